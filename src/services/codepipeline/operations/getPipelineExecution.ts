// GetPipelineExecution: one execution's status, revisions, variables and trigger.
import type { Handler } from '../handler.js';
import { pipelineNotFound } from '../errors.js';
import { executionDetail, executionNotFound } from '../executionView.js';

// One read answers it (pollers call it back to back): whether the pipeline exists, and the execution's shown columns.
export const getPipelineExecution: Handler<'GetPipelineExecution'> = (ctx, input) => {
  const { pipelineName: pipeline, pipelineExecutionId: id } = input;
  const row = ctx.store.executions.detail(ctx, pipeline, id);
  if (row === 'no pipeline') throw pipelineNotFound(ctx.account, pipeline);
  if (!row) throw executionNotFound(pipeline, id);
  return { pipelineExecution: executionDetail(row) };
};
