// DisableStageTransition: holds executions in front of a stage; a stage already running is not interrupted.
import type { DisableStageTransitionInput } from '@aws-sdk/client-codepipeline';
import { callerArn } from '../caller.js';
import type { Handler } from '../context.js';
import { transitionTarget } from './enableStageTransition.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const disableStageTransition: Handler<DisableStageTransitionInput, void> = (ctx, input) => {
  const row = loadPipeline(ctx, input.pipelineName!);
  const stage = transitionTarget(row.declaration, input.stageName!, input.transitionType!);
  ctx.store.transitions.put(ctx, row.name, {
    stage,
    enabled: false,
    reason: input.reason,
    lastChangedAt: ctx.clock.now(),
    lastChangedBy: callerArn(ctx),
  });
};
