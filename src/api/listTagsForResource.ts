// ListTagsForResource (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const listTagsForResource: Handler = () => {
  throw notImplemented('ListTagsForResource');
};
