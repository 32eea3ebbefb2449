// GetJobDetails: the job's data (configuration, artifacts, credentials, continuation token).
import type { GetJobDetailsInput, GetJobDetailsOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { loadJob } from '../jobs.js';

export const getJobDetails: Handler<GetJobDetailsInput, GetJobDetailsOutput> = (ctx, input) => {
  const job = loadJob(ctx, input.jobId!, 'Custom');
  return { jobDetails: { id: job.id, data: job.data, accountId: job.account } };
};
