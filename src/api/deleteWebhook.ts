// DeleteWebhook (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const deleteWebhook: Handler = () => {
  throw notImplemented('DeleteWebhook');
};
