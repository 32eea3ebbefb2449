// ListTagsForResource: the resource's tags in the order they were first added, paginated.
import { pageByOffset } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';
import { resolveTaggable } from '../taggableResource.js';
import { MAX_TAGS } from '../tagging.js';

export const listTagsForResource: Handler<'ListTagsForResource'> = (ctx, input) => {
  const arn = resolveTaggable(ctx, input.resourceArn);
  const { page, nextToken } = pageByOffset(ctx.store.tags.list(arn), input.maxResults ?? MAX_TAGS, input.nextToken);
  return { tags: page, ...(nextToken && { nextToken }) };
};
