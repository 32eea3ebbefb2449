// AcknowledgeThirdPartyJob: the partner confirms it took the job, with its client token and the nonce.
import type { JobStatus } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../handler.js';
import { acknowledge, checkClientToken, expireIfDue, loadJob } from '../jobs.js';

export const acknowledgeThirdPartyJob: Handler<'AcknowledgeThirdPartyJob'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken);
    return { status: acknowledge(ctx, job, input.nonce) as JobStatus };
  });
};
