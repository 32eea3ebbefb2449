// GetPipelineExecution: one execution's status, revisions, variables and trigger.
import type { Handler } from '../handler.js';
import { executionDetail, loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const getPipelineExecution: Handler<'GetPipelineExecution'> = (ctx, input) => {
  loadPipeline(ctx, input.pipelineName);
  return { pipelineExecution: executionDetail(loadExecution(ctx, input.pipelineName, input.pipelineExecutionId)) };
};
