// UpdatePipeline: validate, then store the declaration as the next version (history kept).
import type { UpdatePipelineInput, UpdatePipelineOutput } from '@aws-sdk/client-codepipeline';
import type { Handler } from './context.js';
import { loadPipeline, withDefaults } from './pipelineDeclaration.js';
import { checkPipelineStructure } from './pipelineStructure.js';

export const updatePipeline: Handler<UpdatePipelineInput, UpdatePipelineOutput> = (ctx, input) => {
  const decl = input.pipeline!;
  checkPipelineStructure(ctx, decl);
  return ctx.store.tx(() => {
    const current = loadPipeline(ctx, decl.name!);
    const pipeline = withDefaults(decl, current.version + 1);
    ctx.store.pipelines.update(ctx, pipeline, ctx.clock.now());
    return { pipeline };
  });
};
