// DeregisterWebhookWithThirdParty: marks the webhook unregistered (no third party to call locally).
import type { DeregisterWebhookWithThirdPartyInput, DeregisterWebhookWithThirdPartyOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { webhookNotFound } from '../webhookItem.js';

export const deregisterWebhookWithThirdParty: Handler<DeregisterWebhookWithThirdPartyInput, DeregisterWebhookWithThirdPartyOutput> = (
  ctx,
  input,
) => {
  const name = input.webhookName;
  if (name === undefined || !ctx.store.webhooks.setRegistered(ctx, name, false)) throw webhookNotFound(ctx.account, name);
  return {};
};
