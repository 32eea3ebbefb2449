// PutThirdPartyJobSuccessResult: the partner's job succeeded, or (with a continuationToken) goes on as a new job.
import type { Handler } from '../handler.js';
import { checkClientToken, expireIfDue, loadJob, succeedJob } from '../jobs.js';

export const putThirdPartyJobSuccessResult: Handler<'PutThirdPartyJobSuccessResult'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken);
    succeedJob(ctx, job, input);
    return {};
  });
};
