// DeletePipeline: removes the pipeline, its history and its tags. Deleting a missing pipeline succeeds, as in AWS.
import type { DeletePipelineInput } from '@aws-sdk/client-codepipeline';
import { pipelineArn } from '../util/arn.js';
import type { Handler } from './context.js';

export const deletePipeline: Handler<DeletePipelineInput, Record<string, never>> = (ctx, input) => {
  ctx.store.tx(() => {
    if (ctx.store.pipelines.delete(ctx, input.name!)) ctx.store.tags.removeAll(pipelineArn(ctx.region, ctx.account, input.name!));
  });
  return {};
};
