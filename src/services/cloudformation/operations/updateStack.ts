import { desiredOf, storedDesired } from '../desired.js';
import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { runnerFor } from '../runner.js';
import { findStack, refuseUpdate, stackOperation } from '../stacks.js';

/** Accepts the update UPDATE_IN_PROGRESS and answers the stack's id; the update runs after the answer. */
export const updateStack: Handler<'UpdateStack'> = async (ctx, input) => {
  const s = findStack(ctx, input.StackName);
  if (!s || s.status === 'REVIEW_IN_PROGRESS') throw validationError(`Stack [${input.StackName}] does not exist`);
  refuseUpdate(s);
  const d = await desiredOf(ctx, input, s);
  if (await stackOperation(ctx, s.stackName).unchanged(s, d)) throw validationError('No updates are to be performed.');
  runnerFor(ctx).accept(ctx, s, { kind: 'update', previousStatus: s.status, desired: storedDesired(d) }, 'UPDATE_IN_PROGRESS');
  return { StackId: s.stackId };
};
