// GetPipelineState: per stage, its inbound transition, the executions waiting for it, its latest
// execution, and each action's latest execution (with the approval token while one waits).
import type { ActionState, RetryStageMetadata, StageExecutionStatus, StageState } from '@aws-sdk/client-codepipeline';
import type { StageExecutionRow } from '../../../store/executions.js';
import { conditionStates } from '../conditionState.js';
import type { Ctx } from '../context.js';
import type { Handler } from '../handler.js';
import { logUrlFor } from '../../../logs/actionLogs.js';
import { loadPipeline } from '../pipelineDeclaration.js';

export const getPipelineState: Handler<'GetPipelineState'> = (ctx, input) => {
  const row = loadPipeline(ctx, input.name);
  const decl = row.declaration;
  const transitions = ctx.store.transitions.forPipeline(ctx, row.name);
  const active = ctx.store.executions.active(ctx, row.name);
  const stageStates: StageState[] = (decl.stages ?? []).map((stage, index) => {
    const t = transitions.get(stage.name!);
    const latest = ctx.store.executions.latestStage(ctx, row.name, stage.name!);
    const waiting = active.filter((e) => e.phase === 'waiting' && e.stageIndex === index && index > 0);
    const inbound = waiting.map((e) => ({ pipelineExecutionId: e.id, status: e.status as StageExecutionStatus }));
    const actionStates: ActionState[] = (stage.actions ?? []).map((action) => {
      const a = ctx.store.executions.latestAction(ctx, row.name, stage.name!, action.name!);
      const revision = a?.status === 'Succeeded' ? sourceRevision(ctx, a.executionId, action.outputArtifacts?.[0]?.name) : undefined;
      return {
        actionName: action.name,
        ...(revision && {
          // ActionRevision requires all three members.
          currentRevision: {
            revisionId: revision.revisionId!,
            revisionChangeId: revision.revisionChangeIdentifier ?? revision.revisionId!,
            created: new Date((revision.created ?? a!.updated) as unknown as string),
          },
          ...(revision.revisionUrl && { revisionUrl: revision.revisionUrl }),
        }),
        ...(a && {
          latestExecution: {
            actionExecutionId: a.id,
            status: a.status,
            ...(a.summary && { summary: a.summary }),
            lastStatusChange: new Date(a.updated),
            ...(a.token && a.status === 'InProgress' && { token: a.token }),
            ...(a.lastUpdatedBy && { lastUpdatedBy: a.lastUpdatedBy }),
            ...(a.externalExecutionId && { externalExecutionId: a.externalExecutionId }),
            ...(a.externalExecutionUrl && { externalExecutionUrl: logUrlFor(a.externalExecutionUrl, ctx.baseUrl, ctx.signUrl) }),
            ...(a.percentComplete !== undefined && { percentComplete: a.percentComplete }),
            ...(a.errorDetails && { errorDetails: a.errorDetails }),
          },
        }),
      };
    });
    return {
      stageName: stage.name,
      ...(index > 0 && {
        inboundTransitionState: {
          enabled: t?.enabled ?? true,
          ...(t && { lastChangedBy: t.lastChangedBy, lastChangedAt: new Date(t.lastChangedAt) }),
          ...(t?.reason && !t.enabled && { disabledReason: t.reason }),
        },
      }),
      ...(inbound.length && (decl.executionMode ?? 'SUPERSEDED') === 'SUPERSEDED' && { inboundExecution: inbound[inbound.length - 1] }),
      ...(inbound.length && (decl.executionMode ?? 'SUPERSEDED') !== 'SUPERSEDED' && { inboundExecutions: inbound }),
      actionStates,
      ...(latest && {
        latestExecution: {
          pipelineExecutionId: latest.executionId,
          status: latest.status as never,
          // A rollback execution is marked as such; standard ones carry no type.
          ...(ctx.store.executions.get(latest.executionId)?.executionType === 'ROLLBACK' && { type: 'ROLLBACK' as const }),
        },
      }),
      ...conditionStates(ctx, latest),
      ...retryMetadata(ctx, latest),
    };
  });
  return {
    pipelineName: row.name,
    pipelineVersion: row.version,
    stageStates,
    created: new Date(row.created),
    updated: new Date(row.updated),
  };
};

/**
 * How often the stage's latest execution was retried: automatically (onFailure RETRY) or by
 * RetryStageExecution. A manual retry resumes the execution as well as the stage, so the stage's
 * RESUMED event is directly followed by the execution's.
 */
function retryMetadata(ctx: Ctx, se: StageExecutionRow | undefined): { retryStageMetadata?: RetryStageMetadata } {
  if (!se || se.attempt < 2) return {};
  const events = ctx.store.events.ofExecution(se.executionId);
  let auto = 0;
  let manual = 0;
  let last: 'AutomatedStageRetry' | 'ManualStageRetry' | undefined;
  events.forEach((e, i) => {
    if (e.detailType !== 'CodePipeline Stage Execution State Change' || e.detail.stage !== se.stage || e.detail.state !== 'RESUMED') return;
    const next = events[i + 1];
    const isManual = next?.detailType === 'CodePipeline Pipeline Execution State Change' && next.detail.state === 'RESUMED';
    if (isManual) manual++;
    else auto++;
    last = isManual ? 'ManualStageRetry' : 'AutomatedStageRetry';
  });
  if (!last) return {};
  return { retryStageMetadata: { autoStageRetryAttempt: auto, manualStageRetryAttempt: manual, latestRetryTrigger: last } };
}

/** The revision a source action produced in an execution (its output artifact's), as AWS's currentRevision. */
function sourceRevision(ctx: Ctx, executionId: string, artifact: string | undefined) {
  if (!artifact) return undefined;
  return ctx.store.executions.get(executionId)?.artifactRevisions.find((r) => r.name === artifact && r.revisionId);
}
