// DeleteCustomActionType (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const deleteCustomActionType: Handler = () => {
  throw notImplemented('DeleteCustomActionType');
};
