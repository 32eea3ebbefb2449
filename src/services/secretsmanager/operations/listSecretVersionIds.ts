// ListSecretVersionIds: the versions kept (those with a staging label), one page.
import type { Handler } from '../handler.js';
import { usableSecret } from '../secrets.js';

export const listSecretVersionIds: Handler<'ListSecretVersionIds'> = (ctx, input) => {
  const secret = usableSecret(ctx, input.SecretId);
  return {
    ARN: secret.arn,
    Name: secret.name,
    Versions: secret.versions.map((v) => ({ VersionId: v.id, VersionStages: v.stages, CreatedDate: new Date(v.created) })),
  };
};
