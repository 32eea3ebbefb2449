import { findChangeSet } from '../changeSets.js';
import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { requireStack } from '../stacks.js';

/** The template as given (Original and Processed are the same: no transform is run). */
export const getTemplate: Handler<'GetTemplate'> = (ctx, input) => {
  let body: string | undefined;
  if (input.ChangeSetName !== undefined) body = findChangeSet(ctx, input.ChangeSetName, input.StackName).changeSet.templateBody;
  else if (input.StackName !== undefined) {
    const s = requireStack(ctx, input.StackName);
    body = s.templateBody ?? Object.values(s.changeSets ?? {}).at(-1)?.templateBody;
  } else throw validationError('Either StackName or ChangeSetName must be specified.');
  return { TemplateBody: body ?? '', StagesAvailable: ['Original', 'Processed'] };
};
