// ListRuleExecutions: the rule executions of a pipeline's stage conditions, newest first, optionally
// those of one execution (or only each rule's latest run in it).
import type { RuleExecutionDetail } from '@aws-sdk/client-codepipeline';
import type { ExecutionRow } from '../../../store/executions.js';
import type { RuleExecutionRow } from '../../../store/ruleExecutions.js';
import { pageAfterId, pageFromIndex } from '../../../util/pagination.js';
import type { Ctx } from '../context.js';
import type { ValidatedInput } from '../model/types.js';
import type { Handler } from '../handler.js';
import { executionCache, loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';

const DEFAULT_MAX = 100;

export const listRuleExecutions: Handler<'ListRuleExecutions'> = (ctx, input) => {
  const name = input.pipelineName;
  loadPipeline(ctx, name);
  const max = input.maxResults ?? DEFAULT_MAX;
  // Paged by the last id returned, so rules started between pages do not shift the next page.
  const { page, nextToken } = hasExecutionFilter(input.filter)
    ? pageAfterId(selectRows(ctx, name, input.filter), max, input.nextToken)
    : pipelinePage(ctx, name, max, input.nextToken);
  const execOf = executionCache(ctx);
  return {
    ruleExecutionDetails: page.map((r) => detail(r, execOf(r.executionId))),
    ...(nextToken && { nextToken }),
  };
};

type Filter = ValidatedInput<'ListRuleExecutions'>['filter'];
const hasExecutionFilter = (f: Filter) => f?.pipelineExecutionId !== undefined || f?.latestInPipelineExecution?.pipelineExecutionId !== undefined;

/** A page of the whole pipeline's history, read from the index after the token's rule (not the whole history). */
function pipelinePage(ctx: Ctx, pipeline: string, max: number, token: string | undefined): { page: RuleExecutionRow[]; nextToken?: string } {
  return pageFromIndex((after, limit) => ctx.store.rules.ofPipeline(ctx, pipeline, after, limit), max, token);
}

/** Newest first. latestInPipelineExecution 'Latest' keeps only each rule's latest run in that execution. */
function selectRows(ctx: Ctx, pipeline: string, filter: Filter): RuleExecutionRow[] {
  const latest = filter?.latestInPipelineExecution;
  const ids = [filter?.pipelineExecutionId, latest?.pipelineExecutionId].filter((id) => id !== undefined);
  for (const id of ids) loadExecution(ctx, pipeline, id);
  const executionId = ids[0];
  if (ids.some((id) => id !== executionId)) return [];
  const rows = ctx.store.rules.ofExecution(executionId);
  if (latest?.startTimeRange !== 'Latest') return rows;
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.stage}\u0000${r.conditionType}\u0000${r.conditionIndex}\u0000${r.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function detail(r: RuleExecutionRow, exec: ExecutionRow): RuleExecutionDetail {
  return {
    pipelineExecutionId: r.executionId,
    ruleExecutionId: r.id,
    pipelineVersion: exec.pipelineVersion,
    stageName: r.stage,
    ruleName: r.rule,
    startTime: new Date(r.started),
    lastUpdateTime: new Date(r.updated),
    status: r.status,
    input: r.input,
    output: r.output ?? {},
  };
}
