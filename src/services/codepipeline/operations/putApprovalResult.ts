// PutApprovalResult: answers a waiting manual approval, identified by its token.
import { cpError } from '../errors.js';
import { callerArn } from '../caller.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findAction, findStage } from '../stageAction.js';

export const putApprovalResult: Handler<'PutApprovalResult'> = (ctx, input) => {
  // An approval whose timeout fell due has expired, even if the engine's timer has not fired yet:
  // the expiry is committed first, so the answer below finds it completed.
  const waiting = ctx.store.executions.actionByToken(input.token);
  if (waiting) ctx.engine.expireDue(waiting.id);
  return ctx.store.tx(() => {
    const { declaration } = loadPipeline(ctx, input.pipelineName);
    const stage = findStage(declaration, input.stageName);
    findAction(declaration, stage, input.actionName);
    const row = ctx.store.executions.actionByToken(input.token);
    const exec = row && ctx.store.executions.get(row.executionId);
    const matches = exec && exec.account === ctx.account && exec.region === ctx.region && exec.pipeline === input.pipelineName && row.stage === input.stageName && row.action === input.actionName;
    if (!row || !matches)
      throw cpError('InvalidApprovalTokenException', `The token '${input.token}' is not valid for action '${input.actionName}' in stage '${input.stageName}'`);
    if (row.status !== 'InProgress') throw cpError('ApprovalAlreadyCompletedException', 'The approval request has already been completed');
    const approved = input.result.status === 'Approved';
    const summary = input.result.summary;
    ctx.engine.completeAction(row.id, {
      status: approved ? 'Succeeded' : 'Failed',
      summary,
      lastUpdatedBy: callerArn(ctx),
      ...(!approved && { errorDetails: { code: 'JobFailed', message: summary ? `Rejected with comment: ${summary}` : 'Rejected' } }),
    });
    return { approvedAt: new Date(ctx.clock.now()) };
  });
};
