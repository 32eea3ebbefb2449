// What ListActionExecutions and ListRuleExecutions share: which rows their filter selects, and how
// those rows page. Both are paged by the last id returned, so runs started between pages do not
// shift the next page.
import { pageAfterId, pageFromIndex } from '../../util/pagination.js';
import type { Ctx } from './context.js';
import { executionCache, loadExecution } from './executionView.js';
import type { ExecutionRow } from '../../store/executions.js';
import type { ValidatedInput } from './model/types.js';
import { loadPipeline } from './pipelineDeclaration.js';

const DEFAULT_MAX = 100;

/** ActionExecutionFilter and RuleExecutionFilter have the same members. */
type Filter = ValidatedInput<'ListActionExecutions'>['filter'];

/** Where one kind of run (action or rule) is read from. */
export interface HistorySource<R> {
  /** The pipeline's runs, newest first, from the index after the run `after`; undefined when no run has that id. */
  ofPipeline(after: string | undefined, limit: number): R[] | undefined;
  /** One execution's runs, newest first. */
  ofExecution(executionId: string): R[];
  /** The same key for runs of the same action or rule (startTimeRange 'Latest' keeps the newest of each). */
  sameRun(r: R): string;
}

/** One page of runs, each with the execution it belongs to, and the token of the next page. */
export function historyPage<R extends { id: string; executionId: string }>(
  ctx: Ctx,
  input: { pipelineName: string; filter?: Filter; maxResults?: number; nextToken?: string },
  source: HistorySource<R>,
): { page: { run: R; execution: ExecutionRow }[]; nextToken?: string } {
  loadPipeline(ctx, input.pipelineName);
  const max = input.maxResults ?? DEFAULT_MAX;
  const { page, nextToken } = hasExecutionFilter(input.filter)
    ? pageAfterId(selectRows(ctx, input.pipelineName, input.filter, source), max, input.nextToken)
    : pageFromIndex((after, limit) => source.ofPipeline(after, limit), max, input.nextToken);
  const execOf = executionCache(ctx);
  return { page: page.map((run) => ({ run, execution: execOf(run.executionId) })), ...(nextToken && { nextToken }) };
}

const hasExecutionFilter = (f: Filter) => f?.pipelineExecutionId !== undefined || f?.latestInPipelineExecution?.pipelineExecutionId !== undefined;

/** Newest first. latestInPipelineExecution 'Latest' keeps only each action's or rule's latest run in that execution. */
function selectRows<R>(ctx: Ctx, pipeline: string, filter: Filter, source: HistorySource<R>): R[] {
  const latest = filter?.latestInPipelineExecution;
  const ids = [filter?.pipelineExecutionId, latest?.pipelineExecutionId].filter((id) => id !== undefined);
  for (const id of ids) loadExecution(ctx, pipeline, id);
  const executionId = ids[0];
  if (ids.some((id) => id !== executionId)) return [];
  const rows = source.ofExecution(executionId);
  if (latest?.startTimeRange !== 'Latest') return rows;
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = source.sameRun(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
