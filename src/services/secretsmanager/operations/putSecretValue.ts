// PutSecretValue: a new version (AWSCURRENT unless VersionStages says otherwise). The same
// ClientRequestToken with the same value answers the version it made; with another value it is refused.
import type { Handler } from '../handler.js';
import { smError } from '../errors.js';
import { givenValue, usableSecret } from '../secrets.js';

export const putSecretValue: Handler<'PutSecretValue'> = (ctx, input) => {
  const given = givenValue(input);
  if (!given) throw smError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
  return ctx.store.tx(() => {
    const secret = usableSecret(ctx, input.SecretId);
    const same = input.ClientRequestToken !== undefined ? secret.versions.find((v) => v.id === input.ClientRequestToken) : undefined;
    if (same) {
      if (same.value !== given.value || Boolean(same.binary) !== given.binary)
        throw smError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
      return { ARN: secret.arn, Name: secret.name, VersionId: same.id, VersionStages: same.stages };
    }
    const v = ctx.store.secrets.putValue(ctx, secret.arn, given.value, ctx.clock.now(), {
      ...(input.ClientRequestToken !== undefined && { versionId: input.ClientRequestToken }),
      ...(input.VersionStages && { stages: input.VersionStages }),
      binary: given.binary,
    });
    return { ARN: secret.arn, Name: secret.name, VersionId: v.id, VersionStages: v.stages };
  });
};
