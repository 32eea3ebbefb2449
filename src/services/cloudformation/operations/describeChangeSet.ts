import { findChangeSet } from '../changeSets.js';
import type { Handler } from '../model/types.js';
import { changeSetView } from '../views.js';

export const describeChangeSet: Handler<'DescribeChangeSet'> = (ctx, input) => {
  const { stack, changeSet } = findChangeSet(ctx, input.ChangeSetName, input.StackName);
  return changeSetView(stack, changeSet);
};
