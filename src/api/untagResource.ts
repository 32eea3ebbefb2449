// UntagResource (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const untagResource: Handler = () => {
  throw notImplemented('UntagResource');
};
