// AcknowledgeJob: the worker confirms it took the job, proving it with the nonce it polled.
import type { JobStatus } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../handler.js';
import { acknowledge, expireIfDue, loadJob } from '../jobs.js';

export const acknowledgeJob: Handler<'AcknowledgeJob'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => ({ status: acknowledge(ctx, loadJob(ctx, input.jobId, 'Custom'), input.nonce) as JobStatus }));
};
