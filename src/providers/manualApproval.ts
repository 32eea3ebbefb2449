// Manual approval: waits for PutApprovalResult with the action's token, or fails when its timeout
// (7 days by default, or the action's timeoutInMinutes) passes.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider, ActionStart } from '../engine/provider.js';
import type { ActionExecutionRow } from '../store/executions.js';

export const APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;

export class ManualApprovalProvider implements ActionProvider {
  constructor(private readonly engine: Engine) {}

  begin(start: ActionStart) {
    const minutes = start.action.timeoutInMinutes ?? APPROVAL_TIMEOUT_MINUTES;
    this.engine.store.timers.add(start.now + minutes * 60_000, 'approval-timeout', start.actionExecution.id);
    // PARALLEL executions expose the token as the externalExecutionId, as AWS does.
    const token = randomUUID();
    return { token, ...(start.execution.executionMode === 'PARALLEL' && { externalExecutionId: token }) };
  }

  timeout(row: ActionExecutionRow) {
    this.engine.completeAction(row.id, {
      status: 'Failed',
      summary: 'Approval request timed out',
      errorDetails: { code: 'TimeoutError', message: 'The approval request has expired.' },
    });
  }
}
