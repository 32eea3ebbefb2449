// Shared pieces of the source providers: reporting an outcome, the StartPipelineExecution
// source-revision override for an action, and AWS's console-style revision URLs.
import type { SourceRevisionOverride } from '@aws-sdk/client-codepipeline';
import type { ActionResult, Engine } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';

/** Reports the action's outcome in its own transaction and lets the engine advance. */
export function complete(engine: Engine, start: ActionStart, result: ActionResult) {
  engine.store.tx(() => engine.completeAction(start.actionExecution.id, result));
  engine.flush();
}

/** A source action failure as AWS reports it (JobFailed with the message as the summary). */
export function fail(engine: Engine, start: ActionStart, message: string) {
  complete(engine, start, { status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
}

/** An error whose message is meant for the action's summary (not an internal failure). */
export class SourceError extends Error {}

/** The revision StartPipelineExecution (or a trigger) asked this action to use. */
export function sourceOverride(start: ActionStart, type: SourceRevisionOverride['revisionType']): string | undefined {
  return start.execution.sourceRevisions.find((r) => r.actionName === start.action.name && r.revisionType === type)?.revisionValue;
}

/** Where the action writes its single output artifact. */
export function outputLocation(start: ActionStart) {
  const out = start.outputArtifacts[0];
  if (!out) throw new SourceError(`The action ${start.action.name} declares no output artifact`);
  return out.location;
}

/** Runs a source action's work; a SourceError fails the action with its message, anything else is rethrown. */
export async function runSource(engine: Engine, start: ActionStart, work: () => Promise<ActionResult>) {
  let result: ActionResult;
  try {
    result = await work();
  } catch (e) {
    if (e instanceof SourceError) return fail(engine, start, e.message);
    throw e;
  }
  complete(engine, start, result);
}
