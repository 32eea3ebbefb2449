// DeleteWebhook: removes the webhook and its tags. Deleting a missing webhook succeeds, as in AWS.
import { webhookArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';

export const deleteWebhook: Handler<'DeleteWebhook'> = (ctx, input) => {
  ctx.store.tx(() => {
    if (ctx.store.webhooks.delete(ctx, input.name)) ctx.store.tags.removeAll(webhookArn(ctx.region, ctx.account, input.name));
  });
  return {};
};
