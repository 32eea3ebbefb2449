// DisableStageTransition: holds executions in front of a stage; a stage already running is not interrupted.
import { callerArn } from '../caller.js';
import type { Handler } from '../handler.js';
import { transitionTarget } from './enableStageTransition.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const disableStageTransition: Handler<'DisableStageTransition'> = (ctx, input) => {
  const row = loadPipeline(ctx, input.pipelineName);
  const stage = transitionTarget(row.declaration, input.stageName, input.transitionType);
  ctx.store.transitions.put(ctx, row.name, {
    stage,
    enabled: false,
    reason: input.reason,
    lastChangedAt: ctx.clock.now(),
    lastChangedBy: callerArn(ctx),
  });
};
