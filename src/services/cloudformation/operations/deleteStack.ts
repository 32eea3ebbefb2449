import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { runnerFor } from '../runner.js';
import { busy, findStack, shownStatus } from '../stacks.js';

/** Accepts the deletion DELETE_IN_PROGRESS; a stack that does not exist (or is being deleted) is no error, as on AWS. */
export const deleteStack: Handler<'DeleteStack'> = (ctx, input) => {
  const s = findStack(ctx, input.StackName);
  if (!s || s.status === 'DELETE_COMPLETE' || shownStatus(s) === 'DELETE_IN_PROGRESS') return {};
  if (busy(s)) throw validationError(`Stack [${s.stackId}] cannot be deleted while in status ${shownStatus(s)}`);
  // RetainResources applies to a stack whose delete failed (CloudFormation's rule); otherwise everything goes.
  const retain = s.status === 'DELETE_FAILED' && input.RetainResources?.length ? input.RetainResources : undefined;
  runnerFor(ctx).accept(ctx, s, { kind: 'delete', previousStatus: s.status, ...(retain && { retainResources: retain }) });
  return {};
};
