// Shared pieces of the deploy and invoke providers: in-process actions that end with one result and
// keep a log of what they did (served at their externalExecutionUrl), reading input artifacts (zip files in the artifact store), "Artifact::path" references, simulated
// failures named by the local configuration, and ids shaped like the real services'.
import { randomBytes } from 'node:crypto';
import type { Engine, ActionResult } from '../../engine/engine.js';
import type { ActionBegun, ActionProvider, ActionStart } from '../../engine/provider.js';
import { actionLog, actionLogUrl, byteCount, type ActionLog } from '../../logs/actionLogs.js';
import { readZipEntries, UnsafeArchiveError, ZipLimitError, zipFiles } from '../../util/zip.js';

/** A failure the action reports as is (summary and errorDetails.message). */
export class ActionFailure extends Error {
  constructor(
    message: string,
    readonly code: string = 'JobFailed',
    readonly extra: Partial<ActionResult> = {},
  ) {
    super(message);
  }
}

/** An action that does its work in process after the commit and reports one result. */
export abstract class InProcessProvider implements ActionProvider {
  constructor(protected readonly engine: Engine) {}

  /** The action's log URL is its externalExecutionUrl from the start (the console link AWS would give). */
  begin(start: ActionStart): ActionBegun | void {
    return { externalExecutionUrl: actionLogUrl(this.engine, start.actionExecution.id) };
  }

  /** The action's work, logging what it does: answers the result, or throws an ActionFailure. */
  protected abstract execute(start: ActionStart, log: ActionLog): Promise<ActionResult>;

  async run(start: ActionStart): Promise<void> {
    const log = actionLog(this.engine, start.actionExecution.id);
    let result: ActionResult;
    try {
      result = await this.execute(start, log);
      log.note(`Succeeded: ${result.summary ?? 'the action completed'}`);
    } catch (e) {
      log.note(`Failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!(e instanceof ActionFailure)) throw e;
      result = { ...e.extra, status: 'Failed', summary: e.message, errorDetails: { code: e.code, message: e.message } };
    }
    this.engine.reportOutcome(start.actionExecution.id, result);
  }
}

/** The scope (account, region) an action's simulated resources live in: the action's own region. */
export function scopeOf(start: ActionStart) {
  return { account: start.execution.account, region: start.action.region ?? start.execution.region };
}

/** The bytes of an input artifact (a zip), by name; the action's only input when name is undefined. */
export async function inputArtifact(engine: Engine, start: ActionStart, name?: string): Promise<Buffer> {
  const artifact = name === undefined ? start.inputArtifacts[0] : start.inputArtifacts.find((a) => a.name === name);
  if (!artifact) {
    if (name === undefined) throw new ActionFailure('The action has no input artifact', 'ConfigurationError');
    const names = start.inputArtifacts.map((a) => a.name).join(', ') || 'none';
    throw new ActionFailure(`Input artifact '${name}' is not an input artifact of the action (its input artifacts: ${names})`, 'ConfigurationError');
  }
  const loc = artifact.s3location;
  const body = loc?.bucket && loc.key ? await engine.artifacts.get({ bucket: loc.bucket, key: loc.key }) : undefined;
  if (!body) throw new ActionFailure(`The input artifact '${artifact.name}' could not be found in the artifact store`);
  return body;
}

/** The files of a zip artifact (inflated off the event loop); a corrupt or oversized archive fails the action. */
export async function zipEntries(engine: Engine, body: Uint8Array, artifactName: string): Promise<Map<string, Uint8Array>> {
  try {
    return await readZipEntries(body, { artifact: `'${artifactName}'`, limits: engine.unzipLimits });
  } catch (e) {
    if (e instanceof ZipLimitError) throw new ActionFailure(`The ${e.message.replace(/^the /, '')}`);
    const why = e instanceof UnsafeArchiveError ? e.message : (e as Error).message.replace(/^not a valid zip archive: /, '');
    throw new ActionFailure(`The input artifact '${artifactName}' is not a valid zip archive: ${why}`);
  }
}

/** Parses "ArtifactName::path/in/artifact" (AWS's artifact file reference). */
export function parseArtifactPath(ref: string, property: string): { artifact: string; path: string } {
  const i = ref.indexOf('::');
  if (i <= 0 || i + 2 >= ref.length)
    throw new ActionFailure(`${property} '${ref}' must have the form ArtifactName::path/to/file`, 'ConfigurationError');
  return { artifact: ref.slice(0, i), path: ref.slice(i + 2).replace(/^\.?\/+/, '') };
}

/** Reads one file out of a named input artifact. */
export async function artifactFile(engine: Engine, start: ActionStart, artifact: string, file: string): Promise<Buffer> {
  const entries = await zipEntries(engine, await inputArtifact(engine, start, artifact), artifact);
  const data = entries.get(file.replace(/^\.?\/+/, ''));
  if (!data) throw new ActionFailure(`The file '${file}' does not exist in the input artifact '${artifact}'`);
  return Buffer.from(data);
}

/** Writes a zip of `files` at the action's output artifact (the first, or the named one), and logs it when given a log. */
export async function writeOutputArtifact(engine: Engine, start: ActionStart, files: { path: string; data: Uint8Array }[], name?: string, log?: ActionLog) {
  const out = name === undefined ? start.outputArtifacts[0] : start.outputArtifacts.find((a) => a.name === name);
  if (!out) return;
  const body = zipFiles(files);
  await engine.artifacts.put(start.execution.account, out.location, body);
  const what = files.length ? files.map((f) => f.path).join(', ') : 'no files';
  log?.note(`Wrote the output artifact '${out.name}' (${what}; ${byteCount(body.length)}) to s3://${out.location.bucket}/${out.location.key}`);
}

/** Whether local configuration (simulate.failDeployments) names this action: "Action" or "Stage/Action". */
export function failureSimulated(engine: Engine, start: ActionStart): boolean {
  const names = engine.localConfig.simulate.failDeployments;
  return names.includes(start.action.name!) || names.includes(`${start.stage.name}/${start.action.name}`);
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random id from an alphabet (ids shaped like CodeDeploy's d-XXXXXXXXX). */
export function randomId(length: number, alphabet = UPPER_ALNUM): string {
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Parses JSON, failing the action with `what` in the message. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ActionFailure(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}
