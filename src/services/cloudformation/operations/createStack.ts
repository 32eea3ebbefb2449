import { desiredOf, storedDesired } from '../desired.js';
import { cfnError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { runnerFor } from '../runner.js';
import { checkNewStackName, findStack, onFailureOf, stackOperation, validateEarly } from '../stacks.js';

/** Accepts the stack (it shows CREATE_IN_PROGRESS) and answers its id; the stack is created after the answer. */
export const createStack: Handler<'CreateStack'> = async (ctx, input) => {
  checkNewStackName(input.StackName);
  const onFailure = onFailureOf(input);
  if (findStack(ctx, input.StackName)) throw cfnError('AlreadyExistsException', `Stack [${input.StackName}] already exists`);
  const d = await desiredOf(ctx, input, undefined);
  const s = await stackOperation(ctx, input.StackName).newStack();
  validateEarly(ctx, s, d);
  // Checked again after the template was read: another request may have made the stack meanwhile.
  if (findStack(ctx, input.StackName)) throw cfnError('AlreadyExistsException', `Stack [${input.StackName}] already exists`);
  runnerFor(ctx).accept(ctx, s, { kind: 'create', previousStatus: s.status, desired: storedDesired(d), ...(onFailure && { onFailure }) });
  return { StackId: s.stackId };
};
