// How executions are shown by GetPipelineExecution and ListPipelineExecutions.
import type { PipelineExecution, PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import { cpError } from './errors.js';
import type { ExecutionDetailRow, ExecutionRow } from '../../store/executions.js';
import type { Ctx } from './context.js';

export const executionNotFound = (pipeline: string, id: string) =>
  cpError('PipelineExecutionNotFoundException', `Pipeline execution with id '${id}' does not exist in pipeline with name '${pipeline}'.`);

export function loadExecution(ctx: Ctx, pipeline: string, id: string): ExecutionRow {
  const exec = ctx.store.executions.getScoped(ctx, pipeline, id);
  if (!exec) throw executionNotFound(pipeline, id);
  return exec;
}

const trigger = (e: Pick<ExecutionRow, 'triggerType' | 'triggerDetail'>) => ({ triggerType: e.triggerType as never, ...(e.triggerDetail && { triggerDetail: e.triggerDetail }) });

export function executionDetail(e: ExecutionDetailRow): PipelineExecution {
  return {
    pipelineName: e.pipeline,
    pipelineVersion: e.pipelineVersion,
    pipelineExecutionId: e.id,
    status: e.status,
    ...(e.statusSummary && { statusSummary: e.statusSummary }),
    // Stored as JSON, so revision times come back as strings.
    artifactRevisions: e.artifactRevisions.map((r) => ({ ...r, ...(r.created && { created: new Date(r.created as unknown as string) }) })),
    ...(e.variables.length && { variables: e.variables }),
    trigger: trigger(e),
    executionMode: e.executionMode as never,
    executionType: e.executionType as never,
    ...(e.rollbackMetadata && { rollbackMetadata: e.rollbackMetadata }),
  };
}

export function executionSummary(ctx: Ctx, e: ExecutionRow): PipelineExecutionSummary {
  const sources = new Map<string, string>();
  for (const s of e.declaration.stages ?? []) for (const a of s.actions ?? []) for (const o of a.outputArtifacts ?? []) sources.set(o.name!, a.name!);
  return {
    pipelineExecutionId: e.id,
    status: e.status,
    ...(e.statusSummary && { statusSummary: e.statusSummary }),
    startTime: new Date(e.created),
    lastUpdateTime: new Date(e.updated),
    sourceRevisions: e.artifactRevisions.map((r) => ({
      actionName: sources.get(r.name!) ?? r.name,
      revisionId: r.revisionId,
      ...(r.revisionSummary && { revisionSummary: r.revisionSummary }),
      ...(r.revisionUrl && { revisionUrl: r.revisionUrl }),
    })),
    trigger: trigger(e),
    ...(e.stopReason !== undefined && { stopTrigger: { reason: e.stopReason } }),
    executionMode: e.executionMode as never,
    executionType: e.executionType as never,
    ...(e.rollbackMetadata && { rollbackMetadata: e.rollbackMetadata }),
  };
}

/** NotLatestPipelineExecutionException unless `exec` is the latest execution to have run `stage`. */
export function requireLatestInStage(ctx: Ctx, pipeline: string, stage: string, exec: ExecutionRow) {
  const latest = ctx.store.executions.latestStage(ctx, pipeline, stage);
  if (latest && latest.executionId !== exec.id)
    throw cpError('NotLatestPipelineExecutionException', `Stage '${stage}' has run in a later execution of the pipeline: execution '${exec.id}' is out of date`);
}

/** Reads executions by id once per request (list operations show each item's execution). */
export function executionCache(ctx: Ctx): (id: string) => ExecutionRow {
  const cache = new Map<string, ExecutionRow>();
  return (id) => {
    let e = cache.get(id);
    if (!e) cache.set(id, (e = ctx.store.executions.get(id)!));
    return e;
  };
}
