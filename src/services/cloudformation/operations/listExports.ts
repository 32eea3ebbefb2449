import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { allStacks } from '../stacks.js';

/** The exports of every live stack of the account and region. */
export const listExports: Handler<'ListExports'> = (ctx, input) => {
  const all = allStacks(ctx)
    .filter((s) => s.status !== 'DELETE_COMPLETE')
    .flatMap((s) => Object.entries(s.exports ?? {}).map(([Name, Value]) => ({ ExportingStackId: s.stackId, Name, Value })));
  const { page, NextToken } = pageOf(all, 100, input.NextToken);
  return { Exports: page, ...(NextToken && { NextToken }) };
};
