// GetActionType (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const getActionType: Handler = () => {
  throw notImplemented('GetActionType');
};
