// UpdatePipeline: validate, then store the declaration as the next version (history kept).
import type { Handler } from '../handler.js';
import { loadPipeline, withDefaults } from '../pipelineDeclaration.js';
import { maskSecrets, restoreSecrets } from '../pipelineSecrets.js';
import { checkPipelineStructure } from '../pipelineStructure.js';

export const updatePipeline: Handler<'UpdatePipeline'> = (ctx, input) => {
  const decl = input.pipeline;
  checkPipelineStructure(ctx, decl);
  const out = ctx.store.tx(() => {
    const current = loadPipeline(ctx, decl.name);
    const pipeline = withDefaults(restoreSecrets(ctx, decl, current.declaration), current.version + 1);
    ctx.store.pipelines.update(ctx, pipeline, ctx.clock.now());
    // Running executions finish their in-progress actions and end as Cancelled, as in AWS.
    ctx.engine.cancelForUpdate(ctx, decl.name);
    return { pipeline: maskSecrets(ctx, pipeline) };
  });
  ctx.engine.pipelineChanged(ctx, decl.name);
  return out;
};
