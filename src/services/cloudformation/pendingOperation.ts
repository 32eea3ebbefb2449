// An operation the API accepted (create, update, delete, execute a change set), kept in the stack's
// document until it has run: the API answers at once with the stack *_IN_PROGRESS, and the runner
// (runner.ts) does the work after the answer; one left over by a stop runs again on the next start.
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
}
