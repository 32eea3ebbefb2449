// PutJobFailureResult: the job failed, and so does its action.
import type { Handler } from '../handler.js';
import { expireIfDue, failJob, loadJob } from '../jobs.js';

export const putJobFailureResult: Handler<'PutJobFailureResult'> = (ctx, input) => {
  expireIfDue(ctx, input.jobId);
  return ctx.store.tx(() => {
    failJob(ctx, loadJob(ctx, input.jobId, 'Custom'), input.failureDetails);
    return {};
  });
};
