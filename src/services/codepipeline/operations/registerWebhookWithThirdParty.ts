// RegisterWebhookWithThirdParty: marks the webhook registered. Locally there is no third party
// (GitHub) to configure; the flag records the request.
import type { RegisterWebhookWithThirdPartyInput, RegisterWebhookWithThirdPartyOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { webhookNotFound } from '../webhookItem.js';

export const registerWebhookWithThirdParty: Handler<RegisterWebhookWithThirdPartyInput, RegisterWebhookWithThirdPartyOutput> = (
  ctx,
  input,
) => {
  const name = input.webhookName;
  if (name === undefined || !ctx.store.webhooks.setRegistered(ctx, name, true)) throw webhookNotFound(ctx.account, name);
  return {};
};
