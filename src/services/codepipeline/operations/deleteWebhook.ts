// DeleteWebhook: removes the webhook and its tags. Deleting a missing webhook succeeds, as in AWS.
import type { DeleteWebhookInput, DeleteWebhookOutput } from '@aws-sdk/client-codepipeline';
import { webhookArn } from '../../../util/arn.js';
import type { Handler } from '../context.js';

export const deleteWebhook: Handler<DeleteWebhookInput, DeleteWebhookOutput> = (ctx, input) => {
  ctx.store.tx(() => {
    if (ctx.store.webhooks.delete(ctx, input.name!)) ctx.store.tags.removeAll(webhookArn(ctx.region, ctx.account, input.name!));
  });
  return {};
};
