import { stackNotFound } from '../errors.js';
import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { allStacks, findStack } from '../stacks.js';
import { stackView } from '../views.js';

/** One stack by name or id (a deleted one by id), or every live stack of the account and region, newest first. */
export const describeStacks: Handler<'DescribeStacks'> = (ctx, input) => {
  if (input.StackName !== undefined) {
    const s = findStack(ctx, input.StackName);
    if (!s) throw stackNotFound(input.StackName);
    return { Stacks: [stackView(s)] };
  }
  const live = allStacks(ctx).filter((s) => s.status !== 'DELETE_COMPLETE').reverse();
  const { page, NextToken } = pageOf(live, 100, input.NextToken);
  return { Stacks: page.map(stackView), ...(NextToken && { NextToken }) };
};
