// PutJobFailureResult: the job failed, and so does its action.
import type { PutJobFailureResultInput } from '@aws-sdk/client-codepipeline';
import type { Handler } from './context.js';
import { failJob, loadJob } from './jobs.js';

export const putJobFailureResult: Handler<PutJobFailureResultInput, Record<string, never>> = (ctx, input) =>
  ctx.store.tx(() => {
    failJob(ctx, loadJob(ctx, input.jobId!, 'Custom'), input.failureDetails!);
    return {};
  });
