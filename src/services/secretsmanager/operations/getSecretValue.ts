// GetSecretValue: a version's value, by VersionId or VersionStage (AWSCURRENT by default).
import type { Handler } from '../handler.js';
import { usableSecret, versionOf } from '../secrets.js';

export const getSecretValue: Handler<'GetSecretValue'> = (ctx, input) => {
  const secret = usableSecret(ctx, input.SecretId);
  const v = versionOf(ctx, secret, input.VersionStage, input.VersionId);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: v.id,
    ...(v.binary ? { SecretBinary: v.value } : { SecretString: v.value }),
    VersionStages: v.stages,
    CreatedDate: new Date(v.created),
  };
};
