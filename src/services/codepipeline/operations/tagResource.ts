// TagResource: adds or overwrites tags of a pipeline, webhook or custom action type.
import type { Handler } from '../handler.js';
import { resolveTaggable } from '../taggableResource.js';
import { checkTags } from '../tagging.js';

export const tagResource: Handler<'TagResource'> = (ctx, input) => {
  ctx.store.tx(() => {
    const arn = resolveTaggable(ctx, input.resourceArn);
    checkTags(input.tags, ctx.store.tags.list(arn), arn);
    ctx.store.tags.put(arn, input.tags);
  });
  return {};
};
