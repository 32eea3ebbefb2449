// RetryStageExecution: re-runs a failed or stopped stage in the same execution, either only its
// failed actions or all of them.
import { cpError } from '../errors.js';
import type { Handler } from '../handler.js';
import { loadExecution, requireLatestInStage } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findStage } from '../stageAction.js';

export const retryStageExecution: Handler<'RetryStageExecution'> = (ctx, input) =>
  ctx.store.tx(() => {
    const pipeline = loadPipeline(ctx, input.pipelineName);
    const stage = findStage(pipeline.declaration, input.stageName);
    const exec = loadExecution(ctx, input.pipelineName, input.pipelineExecutionId);
    requireLatestInStage(ctx, pipeline.name, stage.name!, exec);
    const se = ctx.store.executions.stage(exec.id, stage.name!);
    const retryable = se && (se.status === 'Failed' || se.status === 'Stopped') && (exec.status === 'Failed' || exec.status === 'Stopped');
    if (!retryable || exec.pipelineVersion !== pipeline.version)
      throw cpError(
        'StageNotRetryableException',
        'Unable to retry. The pipeline structure or stage state might have changed while actions awaited retry, or the stage contains no failed actions',
      );
    const other = ctx.engine.executionInStage({ ...ctx, pipeline: pipeline.name }, stage.name!);
    if (other && exec.executionMode !== 'PARALLEL')
      throw cpError('ConflictException', `Stage '${stage.name}' is in use by pipeline execution '${other.id}'`);
    ctx.engine.retryStage(exec, stage, input.retryMode);
    return { pipelineExecutionId: exec.id };
  });
