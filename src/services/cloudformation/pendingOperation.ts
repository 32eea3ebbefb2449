// An operation the API accepted (create, update, delete, execute a change set), kept in the stack's
// document until it has run: the API answers at once with the stack *_IN_PROGRESS, and the runner
// (runner.ts) does the work after the answer; one left over by a stop runs again on the next start.
// Kept free of the API's other modules: the pipeline's CloudFormation action reads it too.
import type { StackDocument } from '../../stacks/documents.js';

export interface PendingOperation {
  /** Tells this operation from a later one on the same stack. */
  id: string;
  kind: 'create' | 'update' | 'delete' | 'execute';
  /** The stack's status before the operation (the engine decides create or update from it). */
  previousStatus: string;
  /** What a create or update asks the stack to become (the template is parsed again when it runs). */
  desired?: { templateBody: string; parameters: Record<string, string>; capabilities: string[]; tags: Record<string, string>; roleArn?: string };
  /** The change set an execute runs. */
  changeSetName?: string;
  /** What a failed create or update does (OnFailure; DisableRollback is DO_NOTHING); default ROLLBACK. */
  onFailure?: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
  /** A delete of a DELETE_FAILED stack: the resources kept (RetainResources). */
  retainResources?: string[];
}

/**
 * The status a stack with an accepted operation not started yet shows (the status that operation begins
 * with); undefined when none is pending. The pipeline's CloudFormation action refuses such a stack as busy.
 */
export function pendingStatus(s: StackDocument & { apiOperation?: PendingOperation }): string | undefined {
  const op = s.apiOperation;
  if (!op) return undefined;
  if (op.kind === 'create') return 'CREATE_IN_PROGRESS';
  if (op.kind === 'update') return 'UPDATE_IN_PROGRESS';
  if (op.kind === 'delete') return 'DELETE_IN_PROGRESS';
  return op.previousStatus === 'REVIEW_IN_PROGRESS' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
}
