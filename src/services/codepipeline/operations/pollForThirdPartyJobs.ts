// PollForThirdPartyJobs: a partner takes queued jobs of its ThirdParty action type; it learns only
// the job and client ids here, and the job's data and nonce from GetThirdPartyJobDetails.
import type { Handler } from '../handler.js';
import { DEFAULT_MAX_BATCH_SIZE, pollJobs } from '../jobs.js';

export const pollForThirdPartyJobs: Handler<'PollForThirdPartyJobs'> = (ctx, input) =>
  ctx.store.tx(() => ({
    jobs: pollJobs(ctx, 'ThirdParty', input.actionTypeId, input.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE).map((j) => ({
      clientId: j.clientId,
      jobId: j.id,
    })),
  }));
