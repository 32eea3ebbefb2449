// GetParameter: one parameter (its latest version, or the version or label a selector names).
import { parameterNotFound, ssmError } from '../errors.js';
import type { Handler } from '../handler.js';
import { parameterOf } from '../parameterView.js';
import { lookUp } from './lookup.js';

export const getParameter: Handler<'GetParameter'> = (ctx, input) => {
  const found = lookUp(ctx, input.Name);
  if ('parameter' in found) return { Parameter: parameterOf(ctx, found.parameter, input.WithDecryption === true, found.selector) };
  if (found.missing === 'version')
    throw ssmError('ParameterVersionNotFound', `Systems Manager could not find version ${found.version} of ${found.name}. Verify the version and try again.`);
  throw parameterNotFound();
};
