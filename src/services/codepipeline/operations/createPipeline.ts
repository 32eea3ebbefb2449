// CreatePipeline: validate the structure, store version 1 with its tags.
import { cpError } from '../errors.js';
import { pipelineArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';
import { withDefaults } from '../pipelineDeclaration.js';
import { maskSecrets } from '../pipelineSecrets.js';
import { checkPipelineStructure } from '../pipelineStructure.js';
import { checkTags } from '../tagging.js';
import { callerArn } from '../caller.js';

/** AWS's default quota of pipelines per account and region. */
export const MAX_PIPELINES = 1000;

export const createPipeline: Handler<'CreatePipeline'> = (ctx, input) => {
  const decl = input.pipeline;
  const tags = input.tags ?? [];
  checkPipelineStructure(ctx, decl);
  const name = decl.name;
  checkTags(tags, [], pipelineArn(ctx.region, ctx.account, name));
  const pipeline = withDefaults(decl, 1);
  const now = ctx.clock.now();
  ctx.store.tx(() => {
    const inUse = () => cpError('PipelineNameInUseException', `A pipeline with the name '${name}' already exists in account '${ctx.account}'`);
    // A name in use is found by the insert's primary key (no read first); at the limit, a name in use still wins.
    if (ctx.store.pipelines.count(ctx) >= MAX_PIPELINES) {
      if (ctx.store.pipelines.exists(ctx, name)) throw inUse();
      throw cpError('LimitExceededException', `The number of pipelines in account '${ctx.account}' has reached the limit of ${MAX_PIPELINES}`);
    }
    if (!ctx.store.pipelines.create(ctx, pipeline, now)) throw inUse();
    if (tags.length) ctx.store.tags.put(pipelineArn(ctx.region, ctx.account, name), tags);
    // As in AWS, a new pipeline starts running at once.
    ctx.engine.createExecution(ctx, pipeline, { trigger: { triggerType: 'CreatePipeline', triggerDetail: callerArn(ctx) } });
  });
  ctx.engine.pipelineChanged(ctx, name, pipeline);
  return { pipeline: maskSecrets(ctx, pipeline), ...(tags.length && { tags }) };
};
