// GetJobDetails: the job's data (configuration, artifacts, credentials, continuation token).
import type { Handler } from '../handler.js';
import { loadJob } from '../jobs.js';

export const getJobDetails: Handler<'GetJobDetails'> = (ctx, input) => {
  const job = loadJob(ctx, input.jobId, 'Custom');
  return { jobDetails: { id: job.id, data: job.data, accountId: job.account } };
};
