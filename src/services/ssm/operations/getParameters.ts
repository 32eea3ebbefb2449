// GetParameters: up to 10 parameters; the names that name nothing come back as InvalidParameters.
import type { Parameter } from '@aws-sdk/client-ssm';
import type { Handler } from '../handler.js';
import { parameterOf } from '../parameterView.js';
import { lookUp } from './lookup.js';

export const getParameters: Handler<'GetParameters'> = (ctx, input) => {
  const parameters: Parameter[] = [];
  const invalid: string[] = [];
  for (const name of new Set(input.Names)) {
    const found = lookUp(ctx, name);
    if ('parameter' in found) parameters.push(parameterOf(ctx, found.parameter, input.WithDecryption === true, found.selector));
    else invalid.push(name);
  }
  return { Parameters: parameters, InvalidParameters: invalid };
};
