// GetParametersByPath: the parameters one level below a path (or every level, Recursive), ordered by
// name, 10 a page by default.
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import { invalidNextToken, ssmError } from '../errors.js';
import type { Handler } from '../handler.js';
import { parameterFilters, underPath } from '../parameterFilters.js';
import { parameterOf } from '../parameterView.js';

const DEFAULT_MAX = 10;
/** The filter keys GetParametersByPath takes (Name and Path are the request's own). */
const KEYS = (key: string) => key === 'Type' || key === 'KeyId' || key === 'Label' || key === 'DataType' || key === 'Tier' || key.startsWith('tag:');

export const getParametersByPath: Handler<'GetParametersByPath'> = (ctx, input) => {
  const path = input.Path;
  if (!path.startsWith('/'))
    throw ssmError('ValidationException', 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
  const filter = parameterFilters(input.ParameterFilters, KEYS);
  const after = decodeTokenOr(input.NextToken, (c): c is string => typeof c === 'string', invalidNextToken) ?? '';
  const max = input.MaxResults ?? DEFAULT_MAX;
  const recursive = input.Recursive === true;
  const matching = ctx.store.parameters.list(ctx).filter((p) => p.name > after && (path === '/' ? recursive || !p.name.slice(1).includes('/') : underPath(p.name, path, recursive)) && filter(p));
  const page = matching.slice(0, max);
  return {
    Parameters: page.map((p) => parameterOf(ctx, p, input.WithDecryption === true)),
    ...(matching.length > max && { NextToken: encodeToken(page[page.length - 1].name) }),
  };
};
