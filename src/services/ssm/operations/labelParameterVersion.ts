// LabelParameterVersion: labels a version (the latest by default); a label moves from the version that
// had it. Labels SSM does not accept come back as InvalidLabels; a version holds at most 10.
import { parameterNotFound, ssmError } from '../errors.js';
import type { Handler } from '../handler.js';
import { validLabel } from '../parameterNames.js';

const MAX_LABELS = 10;

export const labelParameterVersion: Handler<'LabelParameterVersion'> = (ctx, input) =>
  ctx.store.tx(() => {
    const latest = ctx.store.parameters.get(ctx, input.Name);
    if (!latest) throw parameterNotFound();
    const version = input.ParameterVersion ?? latest.version;
    const target = ctx.store.parameters.get(ctx, input.Name, version);
    if (!target) throw ssmError('ParameterVersionNotFound', `Systems Manager could not find version ${version} of ${input.Name}. Verify the version and try again.`);
    const valid = input.Labels.filter(validLabel);
    const invalid = input.Labels.filter((l) => !validLabel(l));
    if (new Set([...target.labels, ...valid]).size > MAX_LABELS)
      throw ssmError('ParameterVersionLabelLimitExceeded', `A parameter version can have maximum ${MAX_LABELS} labels. Move one or more labels to another version and try again.`);
    ctx.store.parameters.relabel(ctx, input.Name, version, valid);
    return { InvalidLabels: invalid, ParameterVersion: version };
  });
