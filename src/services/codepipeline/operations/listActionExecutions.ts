// ListActionExecutions: a pipeline's action executions, newest first, optionally those of one execution.
import type { ActionExecutionDetail, ActionExecutionOutput } from '@aws-sdk/client-codepipeline';
import type { ActionExecutionRow, ExecutionRow } from '../../../store/executions.js';
import type { Ctx } from '../context.js';
import type { Handler } from '../handler.js';
import { historyPage } from '../historyListing.js';
import { maskConfiguration } from '../pipelineSecrets.js';
import { logUrlFor } from '../../../logs/actionLogs.js';

export const listActionExecutions: Handler<'ListActionExecutions'> = (ctx, input) => {
  const { page, nextToken } = historyPage(ctx, input, {
    ofPipeline: (after, limit) => ctx.store.executions.pipelineActions(ctx, input.pipelineName, after, limit),
    ofExecution: (id) => ctx.store.executions.actions(id).reverse(),
    sameRun: (r) => `${r.stage}\u0000${r.action}`,
  });
  return {
    actionExecutionDetails: page.map(({ run, execution }) => detail(ctx, run, execution)),
    ...(nextToken && { nextToken }),
  };
};

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
