// Manual approval: waits for PutApprovalResult with the action's token, or fails when its timeout
// (7 days by default, or the action's timeoutInMinutes) passes. Its log (the externalExecutionUrl)
// records the request, who approved or rejected it and with what comment, or that it timed out.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider, ActionStart } from '../engine/provider.js';
import { actionLog, actionLogUrl } from '../logs/actionLogs.js';
import { onActionFinished } from '../logs/actionResults.js';
import type { ActionExecutionRow } from '../store/executions.js';

export const APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;

export class ManualApprovalProvider implements ActionProvider {
  private readonly unsubscribe: () => void;

  constructor(private readonly engine: Engine) {
    // PutApprovalResult (and a stop) end the action through the API: their outcome is logged here.
    this.unsubscribe = onActionFinished(
      engine,
      (t) => t.owner === 'AWS' && t.category === 'Approval' && t.provider === 'Manual',
      (row) => this.logResult(row),
    );
  }

  begin(start: ActionStart) {
    const minutes = start.action.timeoutInMinutes ?? APPROVAL_TIMEOUT_MINUTES;
    const due = start.now + minutes * 60_000;
    this.engine.store.timers.add(due, 'approval-timeout', start.actionExecution.id);
    const c = start.resolvedConfiguration;
    const log = actionLog(this.engine, start.actionExecution.id);
    log.note(`Approval requested for ${start.execution.pipeline} / ${start.stage.name} / ${start.action.name} (pipeline execution ${start.execution.id})`);
    if (c.CustomData) log.note(`Comments for the reviewer: ${c.CustomData}`);
    if (c.ExternalEntityLink) log.note(`URL for review: ${c.ExternalEntityLink}`);
    if (c.NotificationArn) log.note(`Notification topic: ${c.NotificationArn} (codepipeline-local sends no notification)`);
    log.note(`Waiting for PutApprovalResult until ${new Date(due).toISOString()} (${minutes} minutes)`);
    // PARALLEL executions expose the token as the externalExecutionId, as AWS does.
    const token = randomUUID();
    const x = start.execution;
    // Deferred like the progress log's lines (written once their step commits), so it follows the action's STARTED.
    setImmediate(() =>
      this.engine.log.info(
        `pipeline ${x.pipeline} execution ${x.id}: approval ${start.stage.name}/${start.action.name} is waiting; to approve: ` +
          `aws codepipeline put-approval-result --region ${x.region} --pipeline-name ${x.pipeline} --stage-name ${start.stage.name} ` +
          `--action-name ${start.action.name} --token ${token} --result summary=Approved,status=Approved`,
      ),
    );
    return {
      token,
      externalExecutionUrl: actionLogUrl(this.engine, start.actionExecution.id),
      ...(start.execution.executionMode === 'PARALLEL' && { externalExecutionId: token }),
    };
  }

  private logResult(row: ActionExecutionRow) {
    const log = actionLog(this.engine, row.id);
    const comment = row.summary ? ` with the comment: ${row.summary}` : '';
    if (row.status === 'Succeeded') log.note(`Approved by ${row.lastUpdatedBy ?? 'an unknown caller'}${comment}`);
    else if (row.status === 'Abandoned') log.note(`The approval request was abandoned${row.summary ? `: ${row.summary}` : ''}`);
    else if (row.errorDetails?.code === 'TimeoutError') log.note(`The approval request timed out: ${row.errorDetails.message}`);
    else if (row.lastUpdatedBy) log.note(`Rejected by ${row.lastUpdatedBy}${comment}`);
    else log.note(`Failed: ${row.summary ?? row.errorDetails?.message ?? ''}`);
  }

  timeout(row: ActionExecutionRow) {
    actionLog(this.engine, row.id).note('No answer arrived before the approval timeout');
    this.engine.completeAction(row.id, {
      status: 'Failed',
      summary: 'Approval request timed out',
      errorDetails: { code: 'TimeoutError', message: 'The approval request has expired.' },
    });
  }

  shutdown() {
    this.unsubscribe();
  }
}
