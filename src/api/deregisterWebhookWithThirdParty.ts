// DeregisterWebhookWithThirdParty (stub: to be written).
import type { Handler } from './context.js';
import { notImplemented } from '../protocol/errors.js';

export const deregisterWebhookWithThirdParty: Handler = () => {
  throw notImplemented('DeregisterWebhookWithThirdParty');
};
