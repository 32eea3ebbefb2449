// StartPipelineExecution: a new execution of the pipeline's current version, idempotent per clientRequestToken.
import { validationError } from '../../../protocol/errors.js';
import { callerArn } from '../caller.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';

// The new execution enters its first stage in the same commit (one transaction, not two).
export const startPipelineExecution: Handler<'StartPipelineExecution'> = (ctx, input) =>
  ctx.engine.commitAndAdvance(() => {
    const { declaration } = loadPipeline(ctx, input.name);
    if (input.clientRequestToken) {
      const earlier = ctx.store.executions.byClientToken(ctx, input.name, input.clientRequestToken);
      if (earlier) return { pipelineExecutionId: earlier.id };
    }
    const declared = new Set((declaration.variables ?? []).map((v) => v.name));
    const seen = new Set<string>();
    for (const v of input.variables ?? []) {
      if (!declared.has(v.name)) throw validationError(`Variable '${v.name}' is not declared in the pipeline '${input.name}'`);
      if (seen.has(v.name)) throw validationError(`Variable '${v.name}' is specified more than once`);
      seen.add(v.name);
    }
    const missing = (declaration.variables ?? []).find((v) => v.defaultValue === undefined && !seen.has(v.name!));
    if (missing) throw validationError(`Variable '${missing.name}' has no default value and must be specified`);
    const sources = new Set((declaration.stages?.[0]?.actions ?? []).map((a) => a.name));
    for (const r of input.sourceRevisions ?? [])
      if (!sources.has(r.actionName)) throw validationError(`Source action '${r.actionName}' does not exist in the pipeline '${input.name}'`);
    const exec = ctx.engine.createExecution(ctx, declaration, {
      trigger: { triggerType: 'StartPipelineExecution', triggerDetail: callerArn(ctx) },
      variables: (input.variables ?? []).map((v) => ({ name: v.name, value: v.value })),
      // Only the override's own members: nothing else of the request reaches the stored pins.
      sourceRevisions: input.sourceRevisions?.map(({ actionName, revisionType, revisionValue }) => ({ actionName, revisionType, revisionValue })),
      clientRequestToken: input.clientRequestToken,
    });
    return { pipelineExecutionId: exec.id };
  });
