// EnableStageTransition: lets executions held in front of a stage go in again. The engine keys a
// transition by the stage it leads into, so stage N's Outbound is stage N+1's Inbound.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { validationError } from '../../../protocol/errors.js';
import { callerArn } from '../caller.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findStage } from '../stageAction.js';

/** The stage a transition leads into; the first stage has no inbound transition, the last no outbound. */
export function transitionTarget(decl: PipelineDeclaration, stageName: string, type: string): string {
  const stages = decl.stages ?? [];
  const index = stages.indexOf(findStage(decl, stageName));
  if (type === 'Inbound') {
    if (index === 0) throw validationError(`Stage '${stageName}' is the first stage of pipeline '${decl.name}' and has no inbound transition`);
    return stageName;
  }
  if (index === stages.length - 1) throw validationError(`Stage '${stageName}' is the last stage of pipeline '${decl.name}' and has no outbound transition`);
  return stages[index + 1].name!;
}

export const enableStageTransition: Handler<'EnableStageTransition'> = (ctx, input) => {
  const row = loadPipeline(ctx, input.pipelineName);
  const stage = transitionTarget(row.declaration, input.stageName, input.transitionType);
  ctx.store.transitions.put(ctx, row.name, { stage, enabled: true, lastChangedAt: ctx.clock.now(), lastChangedBy: callerArn(ctx) });
  ctx.engine.schedule({ account: ctx.account, region: ctx.region, pipeline: row.name });
};
