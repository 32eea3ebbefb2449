import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { findStack } from '../stacks.js';
import { changeSetSummary } from '../views.js';

export const listChangeSets: Handler<'ListChangeSets'> = (ctx, input) => {
  const s = findStack(ctx, input.StackName);
  if (!s) throw validationError(`Stack [${input.StackName}] does not exist`);
  const { page, NextToken } = pageOf(Object.values(s.changeSets ?? {}), 100, input.NextToken);
  return { Summaries: page.map((cs) => changeSetSummary(s, cs)), ...(NextToken && { NextToken }) };
};
