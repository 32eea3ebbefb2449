// StopPipelineExecution: stop-and-wait lets in-progress actions finish; abandon ends them at once.
import { cpError } from '../errors.js';
import type { Handler } from '../handler.js';
import { loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const stopPipelineExecution: Handler<'StopPipelineExecution'> = (ctx, input) =>
  ctx.store.tx(() => {
    loadPipeline(ctx, input.pipelineName);
    const exec = loadExecution(ctx, input.pipelineName, input.pipelineExecutionId);
    const abandon = input.abandon ?? false;
    if (exec.status === 'Stopping' && (exec.stopMode === 'abandon' || !abandon))
      throw cpError('DuplicatedStopRequestException', `Pipeline execution '${exec.id}' is already being stopped`);
    if (exec.status !== 'InProgress' && exec.status !== 'Stopping')
      throw cpError('PipelineExecutionNotStoppableException', `Pipeline execution '${exec.id}' is ${exec.status} and cannot be stopped`);
    ctx.engine.stopExecution(exec, abandon, input.reason);
    return { pipelineExecutionId: exec.id };
  });
