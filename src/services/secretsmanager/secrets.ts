// What the Secrets Manager operations share: finding a secret (by name, ARN or partial ARN) with the
// service's errors, a scheduled deletion taking effect once its date passed, and the value rules.
import { SecretLookupError, type Secret, type SecretVersion } from '../../secrets/store.js';
import type { Ctx } from './context.js';
import { markedForDeletion, secretNotFound, smError } from './errors.js';

/** The secret `id` names; its deletion, when due, happens now. */
export function findSecret(ctx: Ctx, id: string): Secret {
  const secret = ctx.store.secrets.find(ctx, id);
  if (!secret) throw secretNotFound();
  if (secret.deletionDate !== undefined && secret.deletionDate <= ctx.clock.now()) {
    ctx.store.secrets.delete(ctx, secret.arn);
    throw secretNotFound();
  }
  return secret;
}

/** A secret operations may use: not marked for deletion. */
export function usableSecret(ctx: Ctx, id: string): Secret {
  const secret = findSecret(ctx, id);
  if (secret.deletedDate !== undefined) throw markedForDeletion();
  return secret;
}

/** The value given (SecretString or SecretBinary, never both), or undefined when neither. */
export function givenValue(input: { SecretString?: string; SecretBinary?: string }): { value: string; binary: boolean } | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined)
    throw smError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  if (input.SecretString !== undefined) return { value: input.SecretString, binary: false };
  if (input.SecretBinary !== undefined) return { value: input.SecretBinary, binary: true };
  return undefined;
}

/** A version looked up as GetSecretValue asks, with the service's errors. */
export function versionOf(ctx: Ctx, secret: Secret, stage?: string, versionId?: string): SecretVersion {
  try {
    return ctx.store.secrets.version(ctx, secret.arn, stage, versionId);
  } catch (e) {
    if (e instanceof SecretLookupError) throw smError('ResourceNotFoundException', e.message);
    throw e;
  }
}

export const versionsToStages = (s: Secret) => Object.fromEntries(s.versions.map((v) => [v.id, v.stages]));

/** The last change of a secret (its value or its description). */
export const lastChanged = (s: Secret) => new Date(s.updated);

/** What DescribeSecret and ListSecrets show of a secret (never its value), but its versions' stages, which each names its own way. */
export const secretMetadata = (s: Secret) => ({
  ARN: s.arn,
  Name: s.name,
  ...(s.description !== undefined && { Description: s.description }),
  ...(s.kmsKeyId !== undefined && { KmsKeyId: s.kmsKeyId }),
  LastChangedDate: lastChanged(s),
  ...(s.deletedDate !== undefined && { DeletedDate: new Date(s.deletedDate) }),
  ...(s.tags && { Tags: s.tags }),
  CreatedDate: new Date(s.created),
});
