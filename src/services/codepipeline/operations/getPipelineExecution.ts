// GetPipelineExecution: one execution's status, revisions, variables and trigger.
import type { GetPipelineExecutionInput, GetPipelineExecutionOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { executionDetail, loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const getPipelineExecution: Handler<GetPipelineExecutionInput, GetPipelineExecutionOutput> = (ctx, input) => {
  loadPipeline(ctx, input.pipelineName!);
  return { pipelineExecution: executionDetail(loadExecution(ctx, input.pipelineName!, input.pipelineExecutionId!)) };
};
