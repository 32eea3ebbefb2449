// RestoreSecret: cancels a scheduled deletion.
import type { Handler } from '../handler.js';
import { findSecret } from '../secrets.js';

export const restoreSecret: Handler<'RestoreSecret'> = (ctx, input) =>
  ctx.store.tx(() => {
    const secret = findSecret(ctx, input.SecretId);
    ctx.store.secrets.restore(ctx, secret.arn, ctx.clock.now());
    return { ARN: secret.arn, Name: secret.name };
  });
