// ListPipelineExecutions: newest first, paginated; filter.succeededInStage keeps executions whose stage succeeded.
import { decodeToken, encodeToken } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';
import { executionSummary } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';

const DEFAULT_MAX = 100;

export const listPipelineExecutions: Handler<'ListPipelineExecutions'> = (ctx, input) => {
  const name = input.pipelineName;
  loadPipeline(ctx, name);
  const max = input.maxResults ?? DEFAULT_MAX;
  let before = decodeToken(input.nextToken, (c): c is number => Number.isInteger(c)) ?? Number.MAX_SAFE_INTEGER;
  const stage = input.filter?.succeededInStage?.stageName;
  const page = [];
  let more = false;
  // Without a filter one more than a page says whether another follows; with one, scan in batches so
  // a selective filter still fills a page.
  const size = stage ? 200 : max + 1;
  for (;;) {
    const batch = ctx.store.executions.list(ctx, name, before, size);
    for (const e of batch) {
      if (stage && ctx.store.executions.stage(e.id, stage)?.status !== 'Succeeded') continue;
      if (page.length === max) {
        more = true;
        break;
      }
      page.push(e);
    }
    if (more || batch.length < size) break;
    before = batch[batch.length - 1].seq;
  }
  return {
    pipelineExecutionSummaries: page.map((e) => executionSummary(ctx, e)),
    ...(more && { nextToken: encodeToken(page[page.length - 1].seq) }),
  };
};
