// TagResource: adds or overwrites tags of a pipeline, webhook or custom action type.
import type { TagResourceInput, TagResourceOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { resolveTaggable } from '../taggableResource.js';
import { checkTags } from '../tagging.js';

export const tagResource: Handler<TagResourceInput, TagResourceOutput> = (ctx, input) => {
  ctx.store.tx(() => {
    const arn = resolveTaggable(ctx, input.resourceArn!);
    checkTags(input.tags!, ctx.store.tags.list(arn), arn);
    ctx.store.tags.put(arn, input.tags!);
  });
  return {};
};
