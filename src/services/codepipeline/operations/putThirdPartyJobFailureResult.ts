// PutThirdPartyJobFailureResult: the partner's job failed, and so does its action.
import type { PutThirdPartyJobFailureResultInput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { checkClientToken, expireIfDue, failJob, loadJob } from '../jobs.js';

export const putThirdPartyJobFailureResult: Handler<PutThirdPartyJobFailureResultInput, Record<string, never>> = (ctx, input) => {
  expireIfDue(ctx, input.jobId!);
  return ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId!, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken!);
    failJob(ctx, job, input.failureDetails!);
    return {};
  });
};
