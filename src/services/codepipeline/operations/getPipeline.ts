// GetPipeline: the current declaration, or a given version, with its metadata.
import { cpError } from '../errors.js';
import { pipelineArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { maskSecrets } from '../pipelineSecrets.js';

export const getPipeline: Handler<'GetPipeline'> = (ctx, input) => {
  const name = input.name;
  const current = loadPipeline(ctx, name);
  let row = current;
  if (input.version !== undefined && input.version !== current.version) {
    const old = ctx.store.pipelines.getVersion(ctx, name, input.version);
    if (!old) throw cpError('PipelineVersionNotFoundException', `Pipeline '${name}' does not have version ${input.version}`);
    row = old;
  }
  return {
    pipeline: maskSecrets(ctx, row.declaration),
    metadata: {
      pipelineArn: pipelineArn(ctx.region, ctx.account, name),
      created: new Date(current.created),
      updated: new Date(row.updated),
    },
  };
};
