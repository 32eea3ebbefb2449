// Results that reach an action from outside its provider (PutApprovalResult, a Lambda function's
// PutJobSuccessResult / PutJobFailureResult, StopPipelineExecution's abandon): a provider that keeps a
// log hears them here, from the action state-change events the engine records, to log the outcome.
import type { ActionTypeId } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { ActionExecutionRow } from '../store/executions.js';

const FINAL = ['SUCCEEDED', 'FAILED', 'ABANDONED'];

/**
 * Calls `fn` with the action execution once an action whose type `accept`s ends, inside the
 * transaction that recorded the end (the row already shows the outcome). Returns an unsubscribe.
 */
export function onActionFinished(engine: Engine, accept: (type: ActionTypeId) => boolean, fn: (row: ActionExecutionRow) => void): () => void {
  return engine.store.events.subscribe((e) => {
    if (e.detailType !== 'CodePipeline Action Execution State Change' || !e.executionId) return;
    const d = e.detail as { stage?: string; action?: string; state?: string; type?: ActionTypeId };
    if (!FINAL.includes(d.state ?? '') || !d.type || !accept(d.type)) return;
    // Rows come oldest attempt first: the one that just ended is the action's last.
    const row = engine.store.executions
      .stageActions(e.executionId, d.stage ?? '')
      .filter((r) => r.action === d.action)
      .at(-1);
    if (!row || row.status === 'InProgress') return;
    try {
      fn(row);
    } catch (err) {
      // A log that cannot be written must not undo the state change.
      engine.log.warn(`logs: could not log the result of ${row.stage}/${row.action}`, err);
    }
  });
}
