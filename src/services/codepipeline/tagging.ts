// Tag rules shared by every taggable resource (pipelines, custom action types, webhooks).
import type { Tag } from '@aws-sdk/client-codepipeline';
import { cpError } from './errors.js';
import type { Valid } from './model/types.js';

/** AWS's quota of tags per CodePipeline resource. */
export const MAX_TAGS = 50;

/** AWS reserves this key prefix for its own tags; callers may neither set nor remove such keys. */
const SYSTEM_PREFIX = 'aws:';

export const systemTagsError = () =>
  cpError(
    'InvalidTagsException',
    "Not allowed to modify system tags. System tags start with 'aws:'. msg=[Caller is an end user and not allowed to mutate system tags]",
  );

/** Rejects keys of AWS's reserved prefix (TagResource, UntagResource and the create operations share it). */
export function checkTagKeys(keys: string[]): void {
  if (keys.some((k) => k.startsWith(SYSTEM_PREFIX))) throw systemTagsError();
}

/**
 * Throws InvalidTagsException / TooManyTagsException as AWS does. `existing` are the resource's
 * current tags; `arn` names the resource in the TooManyTagsException message.
 */
export function checkTags(tags: Valid<'Tag'>[], existing: Tag[] = [], arn?: string): void {
  const keys = tags.map((t) => t.key);
  checkTagKeys(keys);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw cpError('InvalidTagsException', `Duplicate tag key '${dup}' in the request`);
  const merged = new Set([...existing.map((t) => t.key!), ...keys]);
  if (merged.size > MAX_TAGS)
    throw cpError('TooManyTagsException', arn ? `Tag limit exceeded for resource [${arn}].` : 'Tag limit exceeded for resource.');
}
