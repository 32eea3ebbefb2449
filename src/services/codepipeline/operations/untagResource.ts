// UntagResource: removes tags by key; keys the resource does not have are ignored.
import type { Handler } from '../handler.js';
import { resolveTaggable } from '../taggableResource.js';
import { checkTagKeys } from '../tagging.js';

export const untagResource: Handler<'UntagResource'> = (ctx, input) => {
  ctx.store.tx(() => {
    const arn = resolveTaggable(ctx, input.resourceArn);
    checkTagKeys(input.tagKeys);
    ctx.store.tags.remove(arn, input.tagKeys);
  });
  return {};
};
