// PutJobFailureResult: the job failed, and so does its action.
import type { PutJobFailureResultInput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { expireIfDue, failJob, loadJob } from '../jobs.js';

export const putJobFailureResult: Handler<PutJobFailureResultInput, Record<string, never>> = (ctx, input) => {
  expireIfDue(ctx, input.jobId!);
  return ctx.store.tx(() => {
    failJob(ctx, loadJob(ctx, input.jobId!, 'Custom'), input.failureDetails!);
    return {};
  });
};
