// ListPipelines: summaries ordered by name, paginated with an opaque nextToken.
import { decodeToken, encodeToken } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';

const DEFAULT_MAX = 1000;

export const listPipelines: Handler<'ListPipelines'> = (ctx, input) => {
  const after = decodeToken(input.nextToken, (c): c is string => typeof c === 'string') ?? '';
  const max = input.maxResults ?? DEFAULT_MAX;
  const rows = ctx.store.pipelines.list(ctx, after, max + 1);
  const page = rows.slice(0, max);
  return {
    pipelines: page.map((r) => ({
      name: r.name,
      version: r.version,
      ...(r.pipelineType && { pipelineType: r.pipelineType }),
      ...(r.executionMode && { executionMode: r.executionMode }),
      created: new Date(r.created),
      updated: new Date(r.updated),
    })),
    ...(rows.length > max && { nextToken: encodeToken(page[page.length - 1].name) }),
  };
};
