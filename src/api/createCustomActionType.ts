// CreateCustomActionType (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const createCustomActionType: Handler = () => {
  throw notImplemented('CreateCustomActionType');
};
