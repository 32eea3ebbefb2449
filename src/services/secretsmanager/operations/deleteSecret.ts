// DeleteSecret: scheduled after a recovery window (7 to 30 days, 30 by default; RestoreSecret cancels
// it), or at once with ForceDeleteWithoutRecovery.
import type { Handler } from '../handler.js';
import { smError } from '../errors.js';
import { findSecret } from '../secrets.js';

const DAY = 86_400_000;

export const deleteSecret: Handler<'DeleteSecret'> = (ctx, input) => {
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined)
    throw smError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  return ctx.store.tx(() => {
    const secret = findSecret(ctx, input.SecretId);
    const now = ctx.clock.now();
    if (input.ForceDeleteWithoutRecovery) {
      ctx.store.secrets.delete(ctx, secret.arn);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(now) };
    }
    if (secret.deletedDate !== undefined) throw smError('InvalidRequestException', "You can't perform this operation on the secret because it was already scheduled for deletion.");
    const marked = ctx.store.secrets.scheduleDeletion(ctx, secret.arn, now, now + (input.RecoveryWindowInDays ?? 30) * DAY)!;
    return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(marked.deletionDate!) };
  });
};
