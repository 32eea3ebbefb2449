// UpdateSecret: the description or KMS key, and with a value a new AWSCURRENT version.
import type { Handler } from '../handler.js';
import { givenValue, usableSecret } from '../secrets.js';

export const updateSecret: Handler<'UpdateSecret'> = (ctx, input) => {
  const given = givenValue(input);
  return ctx.store.tx(() => {
    const secret = usableSecret(ctx, input.SecretId);
    const now = ctx.clock.now();
    const v = given && ctx.store.secrets.putValue(ctx, secret.arn, given.value, now, { ...(input.ClientRequestToken !== undefined && { versionId: input.ClientRequestToken }), binary: given.binary });
    if (input.Description !== undefined || input.KmsKeyId !== undefined)
      ctx.store.secrets.update(
        ctx,
        secret.arn,
        { ...(input.Description !== undefined && { description: input.Description }), ...(input.KmsKeyId !== undefined && { kmsKeyId: input.KmsKeyId }) },
        now,
      );
    return { ARN: secret.arn, Name: secret.name, ...(v && { VersionId: v.id }) };
  });
};
