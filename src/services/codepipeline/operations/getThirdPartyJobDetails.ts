// GetThirdPartyJobDetails: the job's data and the nonce to acknowledge it with, for the job's client.
import type { Handler } from '../handler.js';
import { checkClientToken, loadJob } from '../jobs.js';

export const getThirdPartyJobDetails: Handler<'GetThirdPartyJobDetails'> = (ctx, input) =>
  ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken);
    return { jobDetails: { id: job.id, data: job.data, ...(job.nonce && { nonce: job.nonce }) } };
  });
