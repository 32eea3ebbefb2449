import { desiredOf, storedDesired } from '../desired.js';
import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { runnerFor } from '../runner.js';
import { findStack, refuseUpdate, stackOperation, validateEarly } from '../stacks.js';

/** Accepts the update (the stack shows UPDATE_IN_PROGRESS) and answers its id; the update runs after the answer. */
export const updateStack: Handler<'UpdateStack'> = async (ctx, input) => {
  const s = findStack(ctx, input.StackName);
  if (!s || (s.status === 'REVIEW_IN_PROGRESS' && !s.apiOperation)) throw validationError(`Stack [${input.StackName}] does not exist`);
  refuseUpdate(s);
  const d = await desiredOf(ctx, input, s);
  if (await stackOperation(ctx, s.stackName).unchanged(s, d)) throw validationError('No updates are to be performed.');
  validateEarly(ctx, s, d);
  // Read again after the template was read: another request may have changed the stack meanwhile.
  const current = findStack(ctx, s.stackId);
  if (!current) throw validationError(`Stack [${input.StackName}] does not exist`);
  refuseUpdate(current);
  runnerFor(ctx).accept(ctx, current, { kind: 'update', previousStatus: current.status, desired: storedDesired(d), ...(input.DisableRollback && { onFailure: 'DO_NOTHING' as const }) });
  return { StackId: s.stackId };
};
