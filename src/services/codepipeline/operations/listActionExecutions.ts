// ListActionExecutions: a pipeline's action executions, newest first, optionally those of one execution.
import type { ActionExecutionDetail, ActionExecutionOutput } from '@aws-sdk/client-codepipeline';
import type { ActionExecutionRow, ExecutionRow } from '../../../store/executions.js';
import { pageAfterId, pageFromIndex } from '../../../util/pagination.js';
import type { Ctx } from '../context.js';
import type { ValidatedInput } from '../model/types.js';
import type { Handler } from '../handler.js';
import { executionCache, loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { maskConfiguration } from '../pipelineSecrets.js';
import { logUrlFor } from '../../../logs/actionLogs.js';

const DEFAULT_MAX = 100;

export const listActionExecutions: Handler<'ListActionExecutions'> = (ctx, input) => {
  const name = input.pipelineName;
  loadPipeline(ctx, name);
  const max = input.maxResults ?? DEFAULT_MAX;
  // Paged by the last id returned, so actions started between pages do not shift the next page.
  const { page, nextToken } = hasExecutionFilter(input.filter)
    ? pageAfterId(selectRows(ctx, name, input.filter), max, input.nextToken)
    : pipelinePage(ctx, name, max, input.nextToken);
  const execOf = executionCache(ctx);
  return {
    actionExecutionDetails: page.map((r) => detail(ctx, r, execOf(r.executionId))),
    ...(nextToken && { nextToken }),
  };
};

type Filter = ValidatedInput<'ListActionExecutions'>['filter'];
const hasExecutionFilter = (f: Filter) => f?.pipelineExecutionId !== undefined || f?.latestInPipelineExecution?.pipelineExecutionId !== undefined;

/** A page of the whole pipeline's history, read from the index after the token's action (not the whole history). */
function pipelinePage(ctx: Ctx, pipeline: string, max: number, token: string | undefined): { page: ActionExecutionRow[]; nextToken?: string } {
  return pageFromIndex((after, limit) => ctx.store.executions.pipelineActions(ctx, pipeline, after, limit), max, token);
}

/** Newest first. latestInPipelineExecution 'Latest' keeps only each action's latest run in that execution. */
function selectRows(ctx: Ctx, pipeline: string, filter: Filter): ActionExecutionRow[] {
  const latest = filter?.latestInPipelineExecution;
  const ids = [filter?.pipelineExecutionId, latest?.pipelineExecutionId].filter((id) => id !== undefined);
  for (const id of ids) loadExecution(ctx, pipeline, id);
  const executionId = ids[0];
  if (ids.some((id) => id !== executionId)) return [];
  const rows = ctx.store.executions.actions(executionId).reverse();
  if (latest?.startTimeRange !== 'Latest') return rows;
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.stage}\u0000${r.action}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function detail(ctx: Ctx, r: ActionExecutionRow, exec: ExecutionRow): ActionExecutionDetail {
  return {
    pipelineExecutionId: r.executionId,
    actionExecutionId: r.id,
    pipelineVersion: exec.pipelineVersion,
    stageName: r.stage,
    actionName: r.action,
    startTime: new Date(r.started),
    lastUpdateTime: new Date(r.updated),
    ...(r.lastUpdatedBy && { updatedBy: r.lastUpdatedBy }),
    status: r.status,
    // Secrets are shown only to job workers (PollForJobs, GetJobDetails), as in AWS.
    input: {
      ...r.input,
      configuration: maskConfiguration(ctx, r.input.actionTypeId!, r.input.configuration ?? {}),
      resolvedConfiguration: maskConfiguration(ctx, r.input.actionTypeId!, r.input.resolvedConfiguration ?? {}),
    },
    output: output(r, ctx.baseUrl, ctx.signUrl),
  };
}

/** Artifacts exist only once the action succeeded; the result only once it finished. */
function output(r: ActionExecutionRow, baseUrl: string, sign?: (url: string) => string): ActionExecutionOutput {
  const result = r.output?.executionResult;
  return {
    outputArtifacts: r.status === 'Succeeded' ? (r.output?.outputArtifacts ?? []) : [],
    ...(result
      ? { executionResult: { ...result, ...(result.externalExecutionUrl && { externalExecutionUrl: logUrlFor(result.externalExecutionUrl, baseUrl, sign) }) } }
      : r.errorDetails && { executionResult: { errorDetails: r.errorDetails } }),
    outputVariables: r.output?.outputVariables ?? {},
  };
}
