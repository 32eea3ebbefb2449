import { desiredOf } from '../desired.js';
import { cfnError, validationError } from '../errors.js';
import type { Handler, Valid } from '../model/types.js';
import type { Ctx } from '../context.js';
import { busy, checkNewStackName, findStack, refuseUpdate, saveStack, stackOperation, type ApiStack } from '../stacks.js';

/**
 * Creates the change set at once (CREATE_COMPLETE, or FAILED with CloudFormation's reason when nothing
 * changes); a CREATE change set makes the stack (REVIEW_IN_PROGRESS) when it does not exist.
 */
export const createChangeSet: Handler<'CreateChangeSet'> = async (ctx, input) => {
  const before = allowed(ctx, input);
  const d = await desiredOf(ctx, input, before && before.status !== 'REVIEW_IN_PROGRESS' ? before : undefined);
  // Read again after the template was read: another request may have changed the stack meanwhile.
  const existing = allowed(ctx, input);
  if (existing?.stackId !== before?.stackId) throw validationError(`Stack [${input.StackName}] changed while the change set was being created; try again.`);
  const { stack, changeSet } = await stackOperation(ctx, existing?.stackName ?? input.StackName).createChangeSet(existing, input.ChangeSetName, d);
  if (input.Description !== undefined) {
    const s = stack as ApiStack;
    (s.changeSets[input.ChangeSetName] as typeof changeSet & { description?: string }).description = input.Description;
    saveStack(ctx, s);
  }
  return { Id: changeSet.changeSetId, StackId: stack.stackId };
};

/** The stack a change set of this type may be made for (undefined: none yet), or CloudFormation's refusal. */
function allowed(ctx: Ctx, input: Valid<'CreateChangeSetInput'>): ApiStack | undefined {
  const type = input.ChangeSetType ?? 'UPDATE';
  const name = input.StackName;
  const existing = findStack(ctx, name);
  if (existing && busy(existing)) refuseUpdate(existing);
  const created = existing && existing.status !== 'REVIEW_IN_PROGRESS';
  if (type === 'IMPORT') throw validationError('ChangeSetType IMPORT is not supported by codepipeline-local.');
  if (type === 'CREATE') {
    if (created) throw validationError(`Stack [${name}] already exists and cannot be created again with the changeSet [${input.ChangeSetName}].`);
    if (!existing) checkNewStackName(name);
  } else {
    if (!created) throw validationError(`Stack [${name}] does not exist`);
    refuseUpdate(existing);
  }
  if (existing && Object.hasOwn(existing.changeSets ?? {}, input.ChangeSetName))
    throw cfnError('AlreadyExistsException', `ChangeSet [${input.ChangeSetName}] already exists`);
  return existing;
}
