// DeletePipeline: removes the pipeline, its history, tags, executions (with their events and action
// logs) and transition states.
// Deleting a missing pipeline succeeds, as in AWS.
import { pipelineArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';

export const deletePipeline: Handler<'DeletePipeline'> = (ctx, input) => {
  const name = input.name;
  let logs: string[] = [];
  ctx.store.tx(() => {
    if (!ctx.store.pipelines.delete(ctx, name)) return;
    ctx.store.tags.removeAll(pipelineArn(ctx.region, ctx.account, name));
    logs = ctx.store.history.forgetPipeline(ctx, name);
    // Short action logs are rows: they go in this commit; log files after it.
    ctx.engine.logs.removeHeld(logs);
    ctx.store.executions.deleteForPipeline(ctx, name);
    ctx.store.transitions.deleteForPipeline(ctx, name);
    // Change detection's last-seen heads go in the same commit (the trigger service is told `null`).
    ctx.store.sourceHeads.forget(ctx, name);
  });
  ctx.engine.pipelineChanged(ctx, name, null);
  ctx.engine.logs.removeFilesInBackground(logs);
  return {};
};
