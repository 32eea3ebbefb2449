// UnlabelParameterVersion: removes labels from a version; those it did not have come back as InvalidLabels.
import { parameterNotFound, ssmError } from '../errors.js';
import type { Handler } from '../handler.js';

export const unlabelParameterVersion: Handler<'UnlabelParameterVersion'> = (ctx, input) =>
  ctx.store.tx(() => {
    if (!ctx.store.parameters.get(ctx, input.Name)) throw parameterNotFound();
    const target = ctx.store.parameters.get(ctx, input.Name, input.ParameterVersion);
    if (!target)
      throw ssmError('ParameterVersionNotFound', `Systems Manager could not find version ${input.ParameterVersion} of ${input.Name}. Verify the version and try again.`);
    const removed = input.Labels.filter((l) => target.labels.includes(l));
    ctx.store.parameters.relabel(ctx, input.Name, input.ParameterVersion, [], removed);
    return { RemovedLabels: removed, InvalidLabels: input.Labels.filter((l) => !target.labels.includes(l)) };
  });
