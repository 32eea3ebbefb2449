// RollbackStage: runs a stage again, in a new ROLLBACK execution, with the source revisions,
// artifacts and variables of an earlier execution that succeeded in that stage.
import { cpError } from '../errors.js';
import { callerArn } from '../caller.js';
import type { Handler } from '../handler.js';
import { loadExecution } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findStage } from '../stageAction.js';

const unable = (message: string) => cpError('UnableToRollbackStageException', message);

export const rollbackStage: Handler<'RollbackStage'> = (ctx, input) =>
  ctx.store.tx(() => {
    const pipeline = loadPipeline(ctx, input.pipelineName);
    const decl = pipeline.declaration;
    const stage = findStage(decl, input.stageName);
    const stageIndex = decl.stages!.indexOf(stage);
    const target = loadExecution(ctx, pipeline.name, input.targetPipelineExecutionId);
    if ((decl.executionMode ?? 'SUPERSEDED') === 'PARALLEL')
      throw unable(`Unable to roll back stage '${stage.name}': rollback is not supported for pipelines in PARALLEL execution mode`);
    if (stageIndex === 0) throw unable(`Unable to roll back stage '${stage.name}': a source stage cannot be rolled back`);
    if (target.executionType === 'ROLLBACK')
      throw unable(`Unable to roll back stage '${stage.name}': pipeline execution '${target.id}' is a rollback execution and cannot be a rollback target`);
    if (target.pipelineVersion !== pipeline.version)
      throw cpError(
        'PipelineExecutionOutdatedException',
        `Pipeline execution '${target.id}' ran pipeline version ${target.pipelineVersion}, not the current version ${pipeline.version}, and cannot be used as a target pipeline execution for rollback`,
      );
    if (ctx.store.executions.stage(target.id, stage.name!)?.status !== 'Succeeded')
      throw unable(`Unable to roll back stage '${stage.name}': it did not succeed in pipeline execution '${target.id}'`);
    const running = ctx.engine.executionInStage({ ...ctx, pipeline: pipeline.name }, stage.name!);
    if (running) throw unable(`Unable to roll back stage '${stage.name}': it is currently running in pipeline execution '${running.id}'`);
    // The stage already runs what the target ran: it is the target, or a rollback to it, that last succeeded there.
    const latest = ctx.store.executions.latestStage(ctx, pipeline.name, stage.name!);
    if (latest?.status === 'Succeeded') {
      const current = latest.executionId === target.id ? target : ctx.store.executions.get(latest.executionId);
      if (current && (current.id === target.id || current.rollbackMetadata?.rollbackTargetPipelineExecutionId === target.id))
        throw unable(`Unable to roll back stage '${stage.name}': pipeline execution '${target.id}' is already the current execution of the stage`);
    }
    const rollback = ctx.engine.createRollback(ctx, decl, stage.name!, target, { triggerType: 'ManualRollback', triggerDetail: callerArn(ctx) });
    return { pipelineExecutionId: rollback.id };
  });
