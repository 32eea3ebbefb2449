// ListWebhooks (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const listWebhooks: Handler = () => {
  throw notImplemented('ListWebhooks');
};
