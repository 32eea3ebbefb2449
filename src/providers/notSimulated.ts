// AWS-owned providers that codepipeline-local does not run yet: the action fails with a clear reason
// rather than pretending to succeed; the reason is also its log (the externalExecutionUrl).
import type { Engine } from '../engine/engine.js';
import type { ActionProvider, ActionStart } from '../engine/provider.js';
import { typeKey } from '../engine/provider.js';
import { actionLog, actionLogUrl } from '../logs/actionLogs.js';

export class NotSimulatedProvider implements ActionProvider {
  constructor(private readonly engine: Engine) {}

  begin(start: ActionStart) {
    const message = `codepipeline-local does not simulate the action provider ${typeKey(start.action.actionTypeId!)} yet`;
    const id = start.actionExecution.id;
    actionLog(this.engine, id).note(`Failed: ${message}`);
    // Completing inside begin is fine: the row exists and the engine re-reads it on the next pass.
    this.engine.completeAction(id, {
      status: 'Failed',
      summary: message,
      errorDetails: { code: 'JobFailed', message },
      externalExecutionUrl: actionLogUrl(this.engine, id),
    });
  }
}
