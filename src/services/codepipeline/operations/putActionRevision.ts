// PutActionRevision: a source reports a revision. One no execution of the pipeline has used yet
// starts a new execution carrying it (the source's output artifacts get that revision, and its job
// worker is told which revision to produce); one already used starts nothing.
import type { ArtifactRevision } from '@aws-sdk/client-codepipeline';
import { inputDate } from '../../../util/clock.js';
import { callerArn } from '../caller.js';
import type { Ctx } from '../context.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findAction, findStage } from '../stageAction.js';

export const putActionRevision: Handler<'PutActionRevision'> = (ctx, input) =>
  ctx.store.tx(() => {
    const { declaration } = loadPipeline(ctx, input.pipelineName);
    const action = findAction(declaration, findStage(declaration, input.stageName), input.actionName);
    const revision = input.actionRevision;
    const artifacts = new Set((action.outputArtifacts ?? []).map((a) => a.name!));
    const earlier = ctx.store.executions.withRevision(ctx, declaration.name!, [...artifacts], revision.revisionId);
    if (earlier) return { newRevision: false, pipelineExecutionId: earlier.id };
    const exec = ctx.engine.createExecution(ctx, declaration, {
      trigger: { triggerType: 'PutActionRevision', triggerDetail: callerArn(ctx) },
    });
    const created = inputDate(revision.created) ?? new Date(ctx.clock.now());
    const artifactRevisions: ArtifactRevision[] = [...artifacts].map((name) => ({
      name,
      revisionId: revision.revisionId,
      revisionChangeIdentifier: revision.revisionChangeId,
      created,
    }));
    ctx.store.executions.updateExecution(exec.id, { artifactRevisions });
    return { newRevision: true, pipelineExecutionId: exec.id };
  });
