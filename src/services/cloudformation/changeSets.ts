// Finding a change set by name (with its stack) or by its ARN, as the change set operations take them.
import type { ChangeSetDocument } from '../../stacks/documents.js';
import type { Ctx } from './context.js';
import { changeSetNotFound, validationError } from './errors.js';
import { allStacks, findStack, type ApiStack } from './stacks.js';

const CHANGE_SET_ARN = /^arn:aws[\w-]*:cloudformation:[\w-]+:\d{12}:changeSet\/[^/]+\/.+$/;

export function findChangeSet(ctx: Ctx, changeSetName: string, stackName: string | undefined): { stack: ApiStack; changeSet: ChangeSetDocument } {
  if (CHANGE_SET_ARN.test(changeSetName)) {
    const candidates = stackName !== undefined ? [findStack(ctx, stackName)].filter((s) => s !== undefined) : allStacks(ctx).filter((s) => s.status !== 'DELETE_COMPLETE');
    for (const stack of candidates) {
      const changeSet = Object.values(stack.changeSets ?? {}).find((c) => c.changeSetId === changeSetName);
      if (changeSet) return { stack, changeSet };
    }
    throw changeSetNotFound(changeSetName);
  }
  if (stackName === undefined) throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
  const stack = findStack(ctx, stackName);
  const changeSet = stack && Object.hasOwn(stack.changeSets ?? {}, changeSetName) ? stack.changeSets[changeSetName] : undefined;
  if (!stack || !changeSet) throw changeSetNotFound(changeSetName);
  return { stack, changeSet };
}
