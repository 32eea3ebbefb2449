// PollForJobs: a job worker takes queued jobs of its custom action type.
import type { PollForJobsInput, PollForJobsOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from './context.js';
import { pollJobs } from './jobs.js';

export const pollForJobs: Handler<PollForJobsInput, PollForJobsOutput> = (ctx, input) =>
  ctx.store.tx(() => ({
    jobs: pollJobs(ctx, input.actionTypeId!, input.maxBatchSize ?? 1, input.queryParam).map((j) => ({
      id: j.id,
      data: j.data,
      nonce: j.nonce,
      accountId: j.account,
    })),
  }));
