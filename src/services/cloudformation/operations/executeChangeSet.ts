import { findChangeSet } from '../changeSets.js';
import { cfnError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { runnerFor } from '../runner.js';
import { refuseUpdate } from '../stacks.js';

/** Accepts the execution (the stack shows CREATE_ or UPDATE_IN_PROGRESS); it runs after the answer. */
export const executeChangeSet: Handler<'ExecuteChangeSet'> = (ctx, input) => {
  const { stack, changeSet } = findChangeSet(ctx, input.ChangeSetName, input.StackName);
  if (stack.status !== 'REVIEW_IN_PROGRESS' || stack.apiOperation) refuseUpdate(stack);
  if (changeSet.executionStatus !== 'AVAILABLE')
    throw cfnError('InvalidChangeSetStatus', `ChangeSet [${changeSet.changeSetId}] cannot be executed in its current status of [${changeSet.status}]`);
  runnerFor(ctx).accept(ctx, stack, { kind: 'execute', previousStatus: stack.status, changeSetName: changeSet.changeSetName, ...(input.DisableRollback && { onFailure: 'DO_NOTHING' as const }) });
  return {};
};
