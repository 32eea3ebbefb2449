import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { requireStack } from '../stacks.js';
import { eventView } from '../views.js';

/** The stack's events, newest first. */
export const describeStackEvents: Handler<'DescribeStackEvents'> = (ctx, input) => {
  const s = requireStack(ctx, input.StackName);
  const { page, NextToken } = pageOf([...s.events].reverse(), 100, input.NextToken);
  return { StackEvents: page.map((e) => eventView(s, e)), ...(NextToken && { NextToken }) };
};
