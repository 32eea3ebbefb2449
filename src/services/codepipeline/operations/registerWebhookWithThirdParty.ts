// RegisterWebhookWithThirdParty: marks the webhook registered. Locally there is no third party
// (GitHub) to configure; the flag records the request.
import type { Handler } from '../handler.js';
import { webhookNotFound } from '../webhookItem.js';

export const registerWebhookWithThirdParty: Handler<'RegisterWebhookWithThirdParty'> = (
  ctx,
  input,
) => {
  const name = input.webhookName;
  if (name === undefined || !ctx.store.webhooks.setRegistered(ctx, name, true)) throw webhookNotFound(ctx.account, name);
  return {};
};
