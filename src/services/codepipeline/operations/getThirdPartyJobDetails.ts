// GetThirdPartyJobDetails: the job's data and the nonce to acknowledge it with, for the job's client.
import type { GetThirdPartyJobDetailsInput, GetThirdPartyJobDetailsOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { checkClientToken, loadJob } from '../jobs.js';

export const getThirdPartyJobDetails: Handler<GetThirdPartyJobDetailsInput, GetThirdPartyJobDetailsOutput> = (ctx, input) =>
  ctx.store.tx(() => {
    const job = loadJob(ctx, input.jobId!, 'ThirdParty');
    checkClientToken(ctx, job, input.clientToken!);
    return { jobDetails: { id: job.id, data: job.data, ...(job.nonce && { nonce: job.nonce }) } };
  });
