// Engine events, shaped like the detail of CodePipeline's EventBridge events.
import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { Store } from '../store/index.js';
import type { ExecutionRow } from '../store/executions.js';

/** One event of the execution: the envelope fields every kind shares, and its own detail. */
function record(store: Store, exec: ExecutionRow, detailType: string, detail: Record<string, unknown>, now: number) {
  store.events.add({
    account: exec.account,
    region: exec.region,
    pipeline: exec.pipeline,
    executionId: exec.id,
    time: now,
    detailType,
    detail: { pipeline: exec.pipeline, 'execution-id': exec.id, version: exec.pipelineVersion, ...detail },
  });
}

export function recordExecutionEvent(store: Store, exec: ExecutionRow, state: string, now: number) {
  record(store, exec, 'CodePipeline Pipeline Execution State Change', {
    state,
    'execution-trigger': { 'trigger-type': exec.triggerType, ...(exec.triggerDetail && { 'trigger-detail': exec.triggerDetail }) },
  }, now);
}

export function recordStageEvent(store: Store, exec: ExecutionRow, stage: string, state: string, now: number) {
  record(store, exec, 'CodePipeline Stage Execution State Change', { stage, state }, now);
}

export function recordActionEvent(store: Store, exec: ExecutionRow, stage: string, action: ActionDeclaration, state: string, now: number) {
  record(store, exec, 'CodePipeline Action Execution State Change', {
    stage,
    action: action.name,
    state,
    region: action.region ?? exec.region,
    type: action.actionTypeId,
  }, now);
}
