// DescribeSecret: what a secret is (never its value), also while it is marked for deletion.
import type { Handler } from '../handler.js';
import { findSecret, secretMetadata, versionsToStages } from '../secrets.js';

export const describeSecret: Handler<'DescribeSecret'> = (ctx, input) => {
  const s = findSecret(ctx, input.SecretId);
  return { ...secretMetadata(s), VersionIdsToStages: versionsToStages(s) };
};
