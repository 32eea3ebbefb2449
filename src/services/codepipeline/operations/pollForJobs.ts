// PollForJobs: a job worker takes queued jobs of its custom action type.
import type { Handler } from '../handler.js';
import { DEFAULT_MAX_BATCH_SIZE, pollJobs } from '../jobs.js';

export const pollForJobs: Handler<'PollForJobs'> = (ctx, input) =>
  ctx.store.tx(() => ({
    jobs: pollJobs(ctx, 'Custom', input.actionTypeId, input.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE, input.queryParam).map((j) => ({
      id: j.id,
      data: j.data,
      nonce: j.nonce,
      accountId: j.account,
    })),
  }));
