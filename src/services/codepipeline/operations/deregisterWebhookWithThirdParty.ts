// DeregisterWebhookWithThirdParty: marks the webhook unregistered (no third party to call locally).
import type { Handler } from '../handler.js';
import { webhookNotFound } from '../webhookItem.js';

export const deregisterWebhookWithThirdParty: Handler<'DeregisterWebhookWithThirdParty'> = (
  ctx,
  input,
) => {
  const name = input.webhookName;
  if (name === undefined || !ctx.store.webhooks.setRegistered(ctx, name, false)) throw webhookNotFound(ctx.account, name);
  return {};
};
