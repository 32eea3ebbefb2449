// What CodeBuild and Commands actions share: a fresh working folder with the inputs extracted, a
// build run in a local shell, output artifacts zipped into the artifact store, the log, CodeBuild's
// failure wording, and abandon killing the build's whole process tree.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withoutLocalPaths } from '../../util/localPaths.js';
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import { actionLog, actionLogUrl, type ActionLog } from '../../logs/actionLogs.js';
import type { ActionExecutionRow } from '../../store/executions.js';
import { buildAwsEnvironment } from '../awsEnvironment.js';
import { BuildRun, type PhaseFailure } from './buildRun.js';
import type { BuildRecorder } from '../../builds/buildRecord.js';
import type { EnvironmentVariable } from '@aws-sdk/client-codebuild';
import type { ArtifactSpec, Phase } from './buildspec.js';
import { collectArtifact, prepareWorkspace, zipArtifact, type Workspace } from './workspace.js';

/** A failure before or after the phases, reported in CodeBuild's words. */
export class BuildFailure extends Error {
  constructor(readonly failure: PhaseFailure) {
    super(failure.message);
  }
}

/** A failure of the local setup (batch builds, a missing secret...): reported as its message alone. */
export class ActionFailure extends Error {}

/** What a provider decides from the action and the extracted sources. */
export interface BuildDefinition {
  phases: Phase[];
  shell: string;
  /** Environment variables above the host's, lowest precedence first; CODEBUILD_* are added after. */
  env: Record<string, string>;
  exportedVariables: string[];
  timeoutMinutes: number;
  /** Each output artifact with the spec that fills it (none: the buildspec has nothing for it). */
  outputs: { name: string; spec?: ArtifactSpec }[];
  /** Values hidden in the log. */
  secrets: string[];
  /** Lines for the log before the phases (buildspec location, ignored sections...). */
  notes: string[];
  /** The variables the build's record shows (references, never resolved secrets). */
  shownVariables?: EnvironmentVariable[];
}

export const defaultShell = () => (['/bin/bash', '/usr/bin/bash'].some((p) => fs.existsSync(p)) ? 'bash' : 'sh');

/** Maps buildspec env.shell values onto this machine's shells. */
export function localShell(shell: string | undefined): string {
  if (!shell) return defaultShell();
  if (['bash', '/bin/bash', '/usr/bin/bash'].includes(shell)) return 'bash';
  if (['sh', '/bin/sh'].includes(shell)) return 'sh';
  throw new ActionFailure(`The shell '${shell}' is not available locally: use bash or /bin/sh`);
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** AWS: all output variables of an action together may hold at most 122,880 bytes (names and values). */
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880;

/** The emulator stopped while the build was being prepared: it must not start its shell. */
class ShutDown extends Error {}

/** StopBuild stopped the build: its action fails, as CodePipeline reports a stopped CodeBuild build. */
class StoppedByApi extends Error {
  constructor() {
    super('Build terminated with state: STOPPED');
  }
}

export abstract class LocalBuildProvider implements ActionProvider {
  private readonly running = new Map<string, BuildRun>();
  /** Build id -> action execution id, for builds stopped through the CodeBuild API. */
  private readonly byBuildId = new Map<string, string>();
  /** Actions whose build StopBuild stopped: they fail, as a stopped CodeBuild build fails its action. */
  private readonly stoppedByApi = new Set<string>();
  private stopped = false;
  /** Aborted on shutdown: ends git processes (clone references) still preparing a workspace. */
  private readonly aborter = new AbortController();

  constructor(protected readonly engine: Engine) {
    // Folders of builds that a previous process left behind (it died while they ran).
    if (!this.inMemory) for (const e of this.listBuilds()) if (ID.test(e)) fs.rmSync(path.join(this.buildsDir(), e), { recursive: true, force: true });
  }

  /** The build id shown as externalExecutionId: "<project>:<uuid>". */
  protected abstract buildIdPrefix(start: ActionStart): string;
  /** Reads the configuration and sources into what to run. */
  protected abstract define(start: ActionStart, ws: Workspace, log: ActionLog): Promise<BuildDefinition>;
  /** CODEBUILD_BUILD_NUMBER for this build. */
  protected abstract nextBuildNumber(start: ActionStart): number;
  /** The build's record for the CodeBuild API (BatchGetBuilds), when the provider keeps one. */
  protected record(_start: ActionStart, _buildId: string, _buildNumber: number, _logUrl: string): BuildRecorder | undefined {
    return undefined;
  }

  /** StopBuild of a build this provider runs: true when it was running here. */
  stopBuild(buildId: string): boolean {
    const id = this.byBuildId.get(buildId);
    const run = id && this.running.get(id);
    if (!id || !run) return false;
    this.stoppedByApi.add(id);
    actionLog(this.engine, id).container('Build was stopped: StopBuild was called');
    run.stop();
    return true;
  }

  begin(start: ActionStart) {
    return { externalExecutionId: `${this.buildIdPrefix(start)}:${randomUUID()}`, externalExecutionUrl: actionLogUrl(this.engine, start.actionExecution.id) };
  }

  cancel(row: ActionExecutionRow) {
    const run = this.running.get(row.id);
    if (!run) return;
    actionLog(this.engine, row.id).container('Build was stopped: the action was abandoned');
    run.stop();
  }

  shutdown() {
    this.stopped = true;
    this.aborter.abort();
    for (const run of this.running.values()) run.stop();
  }

  async run(start: ActionStart): Promise<void> {
    const id = start.actionExecution.id;
    const buildId = this.engine.store.executions.action(id)?.externalExecutionId ?? `${this.buildIdPrefix(start)}:${randomUUID()}`;
    const url = actionLogUrl(this.engine, id);
    const root = this.buildFolder(id);
    let log = actionLog(this.engine, id);
    let result: Parameters<Engine['completeAction']>[1];
    const buildNumber = this.nextBuildNumber(start);
    const rec = this.record(start, buildId, buildNumber, url);
    this.byBuildId.set(buildId, id);
    try {
      log.container('Running on codepipeline-local: commands run in a local shell on this machine (no container)');
      log.container('Phase is DOWNLOAD_SOURCE');
      const ws = await this.download(start, root);
      log.container(`CODEBUILD_SRC_DIR=${ws.srcDir}`);
      const def = await this.define(start, ws, log);
      if (rec && def.shownVariables) rec.update({ environment: { ...rec.current.environment!, environmentVariables: def.shownVariables } });
      log = actionLog(this.engine, id, def.secrets);
      for (const note of def.notes) log.container(note);
      const env = this.environment(start, ws, def, buildId, buildNumber);
      // Downloading and reading the buildspec took time: the emulator may have stopped meanwhile.
      if (this.stopped) throw new ShutDown();
      log.container(`Moving to directory ${ws.srcDir}`);
      const onPhase = rec && ((phase: string, state: 'START' | 'SUCCEEDED' | 'FAILED', context?: { code: string; message: string }) => (state === 'START' ? rec.enter(phase) : rec.end(phase, state, context)));
      const build = new BuildRun({ shell: def.shell, cwd: ws.srcDir, env, phases: def.phases, exportedVariables: def.exportedVariables, timeoutMinutes: def.timeoutMinutes, log, onPhase });
      this.running.set(id, build);
      const outcome = await build.execute().finally(() => this.running.delete(id));
      if (outcome.status === 'STOPPED') {
        rec?.finish('STOPPED');
        if (!this.stoppedByApi.delete(id)) return;
        throw new StoppedByApi();
      }
      if (outcome.status !== 'SUCCEEDED') throw new BuildFailure(outcome.failure!);
      log.container('Entering phase UPLOAD_ARTIFACTS');
      rec?.enter('UPLOAD_ARTIFACTS');
      try {
        const size = Object.entries(outcome.exported).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
        if (size > OUTPUT_VARIABLES_MAX_BYTES)
          throw new BuildFailure({
            phase: 'UPLOAD_ARTIFACTS',
            code: 'CLIENT_ERROR',
            message: `the exported variables total ${size.toLocaleString('en-US')} bytes, over the limit of ${OUTPUT_VARIABLES_MAX_BYTES.toLocaleString('en-US')} bytes for all output variables of an action`,
          });
        await this.upload(start, ws, def);
      } catch (e) {
        if (e instanceof BuildFailure && e.failure.phase === 'UPLOAD_ARTIFACTS') {
          log.container('Phase complete: UPLOAD_ARTIFACTS State: FAILED');
          log.container(`Phase context status code: ${e.failure.code} Message: ${e.failure.message}`);
        }
        throw e;
      }
      log.container('Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED');
      rec?.finish('SUCCEEDED', def.exportedVariables.length ? outcome.exported : {});
      result = { status: 'Succeeded', externalExecutionId: buildId, externalExecutionUrl: url, ...(def.exportedVariables.length && { outputVariables: outcome.exported }) };
    } catch (e) {
      if (e instanceof ShutDown) {
        log.container('Build was not started: codepipeline-local stopped while it was being prepared');
        rec?.finish('STOPPED');
        return;
      }
      const message = failureMessage(e, this.engine.localConfig.dataDir);
      if (e instanceof BuildFailure) rec?.finish(e.failure.code === 'BUILD_TIMED_OUT' ? 'TIMED_OUT' : 'FAILED', {}, { code: e.failure.code, message: e.failure.message });
      else if (!(e instanceof StoppedByApi)) rec?.finish('FAILED', {}, { code: 'CLIENT_ERROR', message });
      log.container(message);
      result = { status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message }, externalExecutionId: buildId, externalExecutionUrl: url };
    } finally {
      log.flush();
      this.byBuildId.delete(buildId);
      this.stoppedByApi.delete(id);
      fs.rmSync(root, { recursive: true, force: true });
    }
    try {
      this.engine.reportOutcome(id, result);
    } catch (e) {
      // The emulator stopped while the build ran: nothing is left to report to.
      this.engine.log.warn(`build ${buildId} finished after its action could be updated`, e);
    }
  }

  private async download(start: ActionStart, root: string): Promise<Workspace> {
    const primary = start.resolvedConfiguration.PrimarySource ?? start.inputArtifacts[0]?.name;
    if (primary !== undefined && !start.inputArtifacts.some((a) => a.name === primary))
      throw new ActionFailure(`PrimarySource '${primary}' is not one of the action's input artifacts`);
    try {
      return await prepareWorkspace(this.engine, root, start, primary, this.aborter.signal);
    } catch (e) {
      throw new BuildFailure({ phase: 'DOWNLOAD_SOURCE', code: 'CLIENT_ERROR', message: (e as Error).message });
    }
  }

  /**
   * Host environment with its AWS settings replaced by the emulator's (awsEnvironment), then the
   * definition's layers (a buildspec may still set AWS_* itself), then the CODEBUILD_* variables (reserved).
   */
  private environment(start: ActionStart, ws: Workspace, def: BuildDefinition, buildId: string, buildNumber: number): Record<string, string> {
    const { execution } = start;
    const region = start.actionExecution.input.region ?? execution.region;
    const primary = start.inputArtifacts.find((a) => a.name === ws.primary);
    const host = buildAwsEnvironment(ws.root, {
      endpoint: this.engine.baseUrl,
      account: execution.account,
      region,
      key: this.engine.credentialsFor?.(execution.account),
    });
    const loc = primary?.s3location;
    return {
      ...host,
      ...def.env,
      CODEBUILD_BUILD_ID: buildId,
      CODEBUILD_BUILD_ARN: `arn:aws:codebuild:${region}:${execution.account}:build/${buildId}`,
      CODEBUILD_BUILD_NUMBER: String(buildNumber),
      CODEBUILD_BUILD_IMAGE: 'codepipeline-local',
      CODEBUILD_BUILD_SUCCEEDING: '1',
      CODEBUILD_INITIATOR: `codepipeline/${execution.pipeline}`,
      CODEBUILD_KMS_KEY_ID: `arn:aws:kms:${region}:${execution.account}:alias/aws/s3`,
      CODEBUILD_LOG_PATH: buildId.slice(buildId.lastIndexOf(':') + 1),
      CODEBUILD_START_TIME: String(this.engine.clock.now()),
      CODEBUILD_SRC_DIR: ws.srcDir,
      ...(loc && { CODEBUILD_SOURCE_VERSION: `arn:aws:s3:::${loc.bucket}/${loc.key}`, CODEBUILD_SOURCE_REPO_URL: `${loc.bucket}/${loc.key}` }),
      ...(primary?.revision && { CODEBUILD_RESOLVED_SOURCE_VERSION: primary.revision }),
      ...Object.fromEntries(Object.entries(ws.secondaryDirs).map(([name, dir]) => [`CODEBUILD_SRC_DIR_${name}`, dir])),
    };
  }

  private async upload(start: ActionStart, ws: Workspace, def: BuildDefinition) {
    for (const out of def.outputs) {
      const location = start.outputArtifacts.find((o) => o.name === out.name)!.location;
      if (!out.spec)
        throw new BuildFailure({
          phase: 'UPLOAD_ARTIFACTS',
          code: 'CLIENT_ERROR',
          message: `no artifact paths for the output artifact ${out.name}: the buildspec declares no artifacts.files, and no secondary artifact with the identifier ${out.name}`,
        });
      let files;
      try {
        files = await collectArtifact(ws, out.spec);
      } catch (e) {
        throw new BuildFailure({ phase: 'UPLOAD_ARTIFACTS', code: 'CLIENT_ERROR', message: (e as Error).message });
      }
      if (!files.length) throw new BuildFailure({ phase: 'UPLOAD_ARTIFACTS', code: 'CLIENT_ERROR', message: `no matching artifact paths found (output artifact ${out.name})` });
      await this.engine.artifacts.put(start.execution.account, location, await zipArtifact(files));
    }
  }

  private get inMemory() {
    return this.engine.store.location === ':memory:';
  }

  private buildsDir(): string {
    return path.join(this.engine.localConfig.dataDir, 'builds');
  }

  /** <dataDir>/builds/<actionExecutionId>; in --in-memory mode a temporary folder. */
  private buildFolder(id: string): string {
    if (this.inMemory) return fs.mkdtempSync(path.join(os.tmpdir(), 'codepipeline-local-build-'));
    return path.join(this.buildsDir(), id);
  }

  private listBuilds(): string[] {
    try {
      return fs.readdirSync(this.buildsDir());
    } catch {
      return [];
    }
  }
}

/** The action's summary: a file system error's paths under the data or temporary folder are not the caller's business. */
function failureMessage(e: unknown, dataDir: string): string {
  if (e instanceof BuildFailure) {
    const state = e.failure.code === 'BUILD_TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
    return withoutLocalPaths(`Build terminated with state: ${state}. Phase: ${e.failure.phase}, Code: ${e.failure.code}, Message: ${e.failure.message}`, dataDir);
  }
  return withoutLocalPaths(e instanceof Error ? e.message : String(e), dataDir);
}
