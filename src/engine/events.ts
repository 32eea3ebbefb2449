// Engine events, shaped like the detail of CodePipeline's EventBridge events.
import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { Store } from '../store/index.js';
import type { ExecutionRow } from '../store/executions.js';

function base(exec: ExecutionRow) {
  return {
    pipeline: exec.pipeline,
    'execution-id': exec.id,
    version: exec.pipelineVersion,
  };
}

export function recordExecutionEvent(store: Store, exec: ExecutionRow, state: string, now: number) {
  store.events.add({
    account: exec.account,
    region: exec.region,
    pipeline: exec.pipeline,
    executionId: exec.id,
    time: now,
    detailType: 'CodePipeline Pipeline Execution State Change',
    detail: {
      ...base(exec),
      state,
      'execution-trigger': { 'trigger-type': exec.triggerType, ...(exec.triggerDetail && { 'trigger-detail': exec.triggerDetail }) },
    },
  });
}

export function recordStageEvent(store: Store, exec: ExecutionRow, stage: string, state: string, now: number) {
  store.events.add({
    account: exec.account,
    region: exec.region,
    pipeline: exec.pipeline,
    executionId: exec.id,
    time: now,
    detailType: 'CodePipeline Stage Execution State Change',
    detail: { ...base(exec), stage, state },
  });
}

export function recordActionEvent(store: Store, exec: ExecutionRow, stage: string, action: ActionDeclaration, state: string, now: number) {
  store.events.add({
    account: exec.account,
    region: exec.region,
    pipeline: exec.pipeline,
    executionId: exec.id,
    time: now,
    detailType: 'CodePipeline Action Execution State Change',
    detail: {
      ...base(exec),
      stage,
      action: action.name,
      state,
      region: action.region ?? exec.region,
      type: action.actionTypeId,
    },
  });
}
