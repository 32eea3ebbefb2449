// PutThirdPartyJobFailureResult: the partner's job failed, and so does its action.
import type { Handler } from '../handler.js';
import { checkClientToken, expireIfDue, failJob, loadJob } from '../jobs.js';

export const putThirdPartyJobFailureResult: Handler<'PutThirdPartyJobFailureResult'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken);
    failJob(ctx, job, input.failureDetails);
    return {};
  });
};
