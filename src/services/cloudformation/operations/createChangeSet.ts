import { desiredOf } from '../desired.js';
import { cfnError, validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { busy, checkNewStackName, findStack, refuseUpdate, saveStack, stackOperation, type ApiStack } from '../stacks.js';

/**
 * Creates the change set at once (CREATE_COMPLETE, or FAILED with CloudFormation's reason when nothing
 * changes); a CREATE change set makes the stack (REVIEW_IN_PROGRESS) when it does not exist.
 */
export const createChangeSet: Handler<'CreateChangeSet'> = async (ctx, input) => {
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
  const d = await desiredOf(ctx, input, created ? existing : undefined);
  const { stack, changeSet } = await stackOperation(ctx, existing?.stackName ?? name).createChangeSet(existing, input.ChangeSetName, d);
  if (input.Description !== undefined) {
    const s = stack as ApiStack;
    (s.changeSets[input.ChangeSetName] as typeof changeSet & { description?: string }).description = input.Description;
    saveStack(ctx, s);
  }
  return { Id: changeSet.changeSetId, StackId: stack.stackId };
};
