// ListRuleTypes (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const listRuleTypes: Handler = () => {
  throw notImplemented('ListRuleTypes');
};
