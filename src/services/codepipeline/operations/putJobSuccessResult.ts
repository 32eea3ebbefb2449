// PutJobSuccessResult: the job succeeded, or (with a continuationToken) goes on as a new job.
import type { PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import type { Handler } from '../context.js';
import { expireIfDue, loadJob, succeedJob } from '../jobs.js';

export const putJobSuccessResult: Handler<PutJobSuccessResultInput, Record<string, never>> = (ctx, input) => {
  expireIfDue(ctx, input.jobId!);
  return ctx.store.tx(() => {
    succeedJob(ctx, loadJob(ctx, input.jobId!, 'Custom'), input);
    return {};
  });
};
