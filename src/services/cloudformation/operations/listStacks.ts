import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { allStacks, shownStatus } from '../stacks.js';
import { summaryView } from '../views.js';

/** Every stack, deleted ones included, filtered by status when asked; newest first. */
export const listStacks: Handler<'ListStacks'> = (ctx, input) => {
  const filter = input.StackStatusFilter?.length ? new Set<string>(input.StackStatusFilter) : undefined;
  const stacks = allStacks(ctx)
    .filter((s) => !filter || filter.has(shownStatus(s)))
    .reverse();
  const { page, NextToken } = pageOf(stacks, 100, input.NextToken);
  return { StackSummaries: page.map(summaryView), ...(NextToken && { NextToken }) };
};
