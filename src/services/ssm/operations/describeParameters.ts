// DescribeParameters: every parameter's metadata (never its value), filtered by Filters or
// ParameterFilters, ordered by name, 50 a page by default.
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import { invalidNextToken, ssmError } from '../errors.js';
import type { Handler } from '../handler.js';
import { legacyFilters, parameterFilters } from '../parameterFilters.js';
import { metadataOf } from '../parameterView.js';

const DEFAULT_MAX = 50;
const KEYS = (key: string) => ['Name', 'Type', 'KeyId', 'Path', 'Label', 'Tier', 'DataType'].includes(key) || key.startsWith('tag:');

export const describeParameters: Handler<'DescribeParameters'> = (ctx, input) => {
  if (input.Filters?.length && input.ParameterFilters?.length)
    throw ssmError('ValidationException', 'You can use either Filters or ParameterFilters in a single request.');
  const stringFilter = parameterFilters(input.ParameterFilters, KEYS);
  const legacy = legacyFilters(input.Filters);
  const after = decodeTokenOr(input.NextToken, (c): c is string => typeof c === 'string', invalidNextToken) ?? '';
  const max = input.MaxResults ?? DEFAULT_MAX;
  const matching = ctx.store.parameters.list(ctx).filter((p) => p.name > after && stringFilter(p) && legacy(p));
  const page = matching.slice(0, max);
  return {
    Parameters: page.map((p) => metadataOf(ctx, p)),
    ...(matching.length > max && { NextToken: encodeToken(page[page.length - 1].name) }),
  };
};
