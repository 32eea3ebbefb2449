// DescribeSecret: what a secret is (never its value), also while it is marked for deletion.
import type { Handler } from '../handler.js';
import { findSecret, lastChanged, versionsToStages } from '../secrets.js';

export const describeSecret: Handler<'DescribeSecret'> = (ctx, input) => {
  const s = findSecret(ctx, input.SecretId);
  return {
    ARN: s.arn,
    Name: s.name,
    ...(s.description !== undefined && { Description: s.description }),
    ...(s.kmsKeyId !== undefined && { KmsKeyId: s.kmsKeyId }),
    LastChangedDate: lastChanged(s),
    ...(s.deletedDate !== undefined && { DeletedDate: new Date(s.deletedDate) }),
    ...(s.tags && { Tags: s.tags }),
    VersionIdsToStages: versionsToStages(s),
    CreatedDate: new Date(s.created),
  };
};
