// PutJobSuccessResult: the job succeeded, or (with a continuationToken) goes on as a new job.
import type { Handler } from '../handler.js';
import { expireIfDue, loadJob, succeedJob } from '../jobs.js';

export const putJobSuccessResult: Handler<'PutJobSuccessResult'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => {
    succeedJob(ctx, loadJob(ctx, input.jobId, 'Custom'), input);
    return {};
  });
};
