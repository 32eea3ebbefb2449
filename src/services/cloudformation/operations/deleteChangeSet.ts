import { findChangeSet } from '../changeSets.js';
import { cfnError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { busy, saveStack, shownStatus } from '../stacks.js';

export const deleteChangeSet: Handler<'DeleteChangeSet'> = (ctx, input) => {
  const { stack, changeSet } = findChangeSet(ctx, input.ChangeSetName, input.StackName);
  if (busy(stack)) throw cfnError('InvalidChangeSetStatus', `Cannot delete ChangeSet [${changeSet.changeSetId}] while its stack is in status ${shownStatus(stack)}`);
  delete stack.changeSets[changeSet.changeSetName];
  saveStack(ctx, stack);
  return {};
};
