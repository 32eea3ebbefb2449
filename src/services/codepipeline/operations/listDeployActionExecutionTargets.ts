// ListDeployActionExecutionTargets: the targets (instances, tasks...) a deploy action execution
// deployed to. No local provider deploys to targets yet, so a known action execution has none.
import { cpError } from '../errors.js';
import { pageByOffset } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';

const DEFAULT_MAX_RESULTS = 100;

export const listDeployActionExecutionTargets: Handler<'ListDeployActionExecutionTargets'> = (
  ctx,
  input,
) => {
  if (input.pipelineName !== undefined) loadPipeline(ctx, input.pipelineName);
  const row = ctx.store.executions.action(input.actionExecutionId);
  const exec = row && ctx.store.executions.get(row.executionId);
  const visible = exec && exec.account === ctx.account && exec.region === ctx.region && (input.pipelineName ?? exec.pipeline) === exec.pipeline;
  if (!visible) throw cpError('ActionExecutionNotFoundException', `Action execution with id '${input.actionExecutionId}' was not found`);
  const { page, nextToken } = pageByOffset([], input.maxResults ?? DEFAULT_MAX_RESULTS, input.nextToken);
  return { targets: page, ...(nextToken && { nextToken }) };
};
