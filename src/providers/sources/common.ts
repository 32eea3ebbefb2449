// Shared pieces of the source providers: reporting an outcome, the StartPipelineExecution
// source-revision override for an action, the action's log (what was read, what was written, served
// at its externalExecutionUrl) and AWS's console-style revision URLs.
import type { SourceRevisionOverride } from '@aws-sdk/client-codepipeline';
import type { ActionResult, Engine } from '../../engine/engine.js';
import type { ActionBegun, ActionStart } from '../../engine/provider.js';
import type { ArtifactLocation } from '../../engine/artifacts.js';
import { actionLog, actionLogUrl, byteCount, type ActionLog } from '../../logs/actionLogs.js';

/** Reports the action's outcome and lets the engine advance (one transaction). */
export function complete(engine: Engine, start: ActionStart, result: ActionResult) {
  engine.reportOutcome(start.actionExecution.id, result);
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

/** What change detection recorded with a pin it made (see triggers/start.ts TriggerPin). */
export interface PinOrigin {
  ref?: string;
  detectedBy?: 'push' | 'catch-up' | 'pull-request';
}

/**
 * Why the action uses the revision pinned for it: undefined when StartPipelineExecution's
 * sourceRevisions asked for it, else what change detection recorded with the pin.
 */
export function pinOrigin(start: ActionStart, type: SourceRevisionOverride['revisionType']): PinOrigin | undefined {
  if (start.execution.triggerType === 'StartPipelineExecution') return undefined;
  const pin = start.execution.sourceRevisions.find((r) => r.actionName === start.action.name && r.revisionType === type) as (SourceRevisionOverride & PinOrigin) | undefined;
  return pin?.detectedBy ? { ref: pin.ref, detectedBy: pin.detectedBy } : undefined;
}

/** Where the action writes its single output artifact. */
export function outputLocation(start: ActionStart) {
  const out = start.outputArtifacts[0];
  if (!out) throw new SourceError(`The action ${start.action.name} declares no output artifact`);
  return out.location;
}

/** What a source action's begin() records: its log's URL as the externalExecutionUrl. */
export function beginSource(engine: Engine, start: ActionStart): ActionBegun {
  return { externalExecutionUrl: actionLogUrl(engine, start.actionExecution.id) };
}

/**
 * Writes the output artifact and logs where it went and its size. `from`, the object version the
 * body was read from, lets the store copy it without writing the bytes again.
 */
export async function writeSourceArtifact(engine: Engine, start: ActionStart, log: ActionLog, body: Buffer, what: string, from?: ArtifactLocation & { versionId: string }) {
  const location = outputLocation(start);
  const copied = from && (await engine.artifacts.copy?.(start.execution.account, from, location));
  if (!copied) await engine.artifacts.put(start.execution.account, location, body);
  log.note(`Wrote the output artifact '${start.outputArtifacts[0].name}' (${what}, ${byteCount(body.length)}) to s3://${location.bucket}/${location.key}`);
}

/** Runs a source action's work; a SourceError fails the action with its message, anything else is rethrown. */
export async function runSource(engine: Engine, start: ActionStart, work: (log: ActionLog) => Promise<ActionResult>) {
  const log = actionLog(engine, start.actionExecution.id);
  let result: ActionResult;
  try {
    result = await work(log);
  } catch (e) {
    log.note(`Failed: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof SourceError) return fail(engine, start, e.message);
    throw e;
  }
  log.note(`Succeeded: revision ${result.revision?.revisionId ?? result.externalExecutionId ?? '(none)'}`);
  complete(engine, start, result);
}
