// Builds started by the CodeBuild API's StartBuild: the project's buildspec (or buildspecOverride)
// runs in a local shell with the same runner as a pipeline's CodeBuild action (BuildRun), in a fresh
// folder holding the source: an S3 zip from the emulator's store, a local CodeCommit repository, or
// nothing (NO_SOURCE). Artifacts of type S3 are written to the emulator's S3 store. The build is
// recorded as it runs (BuildRecorder); its log is served under /_logs/<the build's uuid>.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuildArtifacts, ProjectSource, StartBuildInput } from '@aws-sdk/client-codebuild';
import { BuildRecorder, buildLogs, buildUuid, shownVariables, type StoredBuild } from '../../builds/buildRecord.js';
import type { StoredProject } from '../../builds/projectDocument.js';
import type { BuildProjects, ProjectVariable } from '../../builds/projects.js';
import { referenceResolver } from '../../builds/variables.js';
import type { Engine } from '../../engine/engine.js';
import { git } from '../../git/git.js';
import { codeCommitRepositoryPath } from '../../git/repos.js';
import { actionLog, actionLogUrl } from '../../logs/actionLogs.js';
import type { Scope } from '../../store/scope.js';
import { withoutLocalPaths } from '../../util/localPaths.js';
import { extractZip } from '../../util/zip.js';
import { buildAwsEnvironment } from '../awsEnvironment.js';
import { BuildRun } from './buildRun.js';
import type { ArtifactSpec, Buildspec } from './buildspec.js';
import { readBuildspec } from './codeBuild.js';
import { BuildFailure, localShell } from './localBuild.js';
import { MissingSecretError } from './secrets.js';
import { collectArtifact, zipArtifact, type Workspace } from './workspace.js';

const DEFAULT_TIMEOUT_MINUTES = 60;

export interface StartBuildRequest {
  scope: Scope;
  project: StoredProject;
  input: StartBuildInput;
  /** Who started it, as the build shows it. */
  initiator: string;
}

const clientError = (phase: string, message: string) => new BuildFailure({ phase, code: 'CLIENT_ERROR', message });

export class StandaloneBuilds {
  private readonly running = new Map<string, BuildRun>();
  private stopped = false;
  private readonly aborter = new AbortController();

  constructor(
    private readonly engine: Engine,
    private readonly projects: BuildProjects,
  ) {
    // No build runs before this process starts one: any still IN_PROGRESS was left by a previous process.
    BuildRecorder.endInterrupted(engine.store, engine.clock);
    // Reset or restore: running builds end (their records are detached by BuildRecorder); builds a
    // restored snapshot holds IN_PROGRESS run nowhere, so they end as FAULT, as at start-up.
    engine.store.onReplace((phase) => {
      if (phase === 'before') for (const run of this.running.values()) run.stop();
      else BuildRecorder.endInterrupted(engine.store, engine.clock);
    });
  }

  /** Records the build (IN_PROGRESS) and runs it after the answer; returns the record. */
  start(req: StartBuildRequest): StoredBuild {
    const { scope, project, input } = req;
    const definition = this.projects.project(scope, project.name);
    const uuid = randomUUID();
    const id = `${project.name}:${uuid}`;
    const source: ProjectSource = {
      ...project.source!,
      ...(input.sourceTypeOverride && { type: input.sourceTypeOverride }),
      ...(input.sourceLocationOverride !== undefined && { location: input.sourceLocationOverride }),
    };
    const buildspec = input.buildspecOverride ?? definition.buildspec;
    if (buildspec !== undefined) source.buildspec = buildspec;
    const variables = new Map<string, ProjectVariable>(definition.environmentVariables.map((v) => [v.name, v]));
    for (const v of input.environmentVariablesOverride ?? []) variables.set(v.name!, { name: v.name!, value: v.value ?? '', type: v.type ?? 'PLAINTEXT' });
    const timeout = input.timeoutInMinutesOverride ?? definition.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    const rec = BuildRecorder.begin(this.engine.store, this.engine.clock, scope, {
      id,
      projectName: project.name,
      buildNumber: this.projects.nextBuildNumber(scope, project.name),
      logId: uuid,
      initiator: req.initiator,
      ...((input.sourceVersion ?? project.sourceVersion) && { sourceVersion: input.sourceVersion ?? project.sourceVersion }),
      source,
      secondarySources: input.secondarySourcesOverride ?? project.secondarySources ?? [],
      secondarySourceVersions: input.secondarySourcesVersionOverride ?? project.secondarySourceVersions ?? [],
      artifacts: {},
      secondaryArtifacts: [],
      cache: input.cacheOverride ?? project.cache ?? { type: 'NO_CACHE' },
      environment: {
        ...project.environment!,
        ...(input.environmentTypeOverride && { type: input.environmentTypeOverride }),
        ...(input.imageOverride && { image: input.imageOverride }),
        ...(input.computeTypeOverride && { computeType: input.computeTypeOverride }),
        ...(input.privilegedModeOverride !== undefined && { privilegedMode: input.privilegedModeOverride }),
        environmentVariables: shownVariables([...variables.values()]),
      },
      serviceRole: input.serviceRoleOverride ?? project.serviceRole,
      logs: buildLogs(project.name, id, actionLogUrl(this.engine, uuid)),
      timeoutInMinutes: timeout,
      queuedTimeoutInMinutes: input.queuedTimeoutInMinutesOverride ?? project.queuedTimeoutInMinutes ?? 480,
      encryptionKey: input.encryptionKeyOverride ?? project.encryptionKey,
    });
    const artifacts = input.artifactsOverride ?? project.artifacts!;
    const secondaryArtifacts = input.secondaryArtifactsOverride ?? project.secondaryArtifacts ?? [];
    // After the answer: the build runs in the background, as on CodeBuild.
    setImmediate(() =>
      this.run(scope, rec, [...variables.values()], timeout, artifacts, secondaryArtifacts, definition.shell).catch((e) => this.engine.log.warn(`build ${id} ended abnormally`, e)),
    );
    return rec.current;
  }

  /** StopBuild: true when the build was running in this process (it then ends STOPPED). */
  stop(id: string): boolean {
    const run = this.running.get(id);
    if (!run) return false;
    run.stop();
    return true;
  }

  shutdown() {
    this.stopped = true;
    this.aborter.abort();
    for (const run of this.running.values()) run.stop();
  }

  private async run(
    scope: Scope,
    rec: BuildRecorder,
    variables: ProjectVariable[],
    timeoutMinutes: number,
    artifacts: NonNullable<StoredProject['artifacts']>,
    secondaryArtifacts: NonNullable<StoredProject['secondaryArtifacts']>,
    shell: string | undefined,
  ) {
    const build = rec.current;
    const root = this.inMemory ? fs.mkdtempSync(path.join(os.tmpdir(), 'codepipeline-local-build-')) : path.join(this.engine.localConfig.dataDir, 'builds', build.logId);
    let log = actionLog(this.engine, build.logId);
    try {
      log.container('Running on codepipeline-local: commands run in a local shell on this machine (no container)');
      log.container('Phase is DOWNLOAD_SOURCE');
      const ws = await this.download(scope, root, build);
      log.container(`CODEBUILD_SRC_DIR=${ws.srcDir}`);
      const { spec, location } = readBuildspec(ws, build.source?.buildspec);
      log.container(`YAML location is ${location}`);
      log.container('Processing environment variables');
      const secrets: string[] = [];
      const lookup = referenceResolver(this.engine.store, this.engine.localConfig, scope);
      const resolve = (type: 'PARAMETER_STORE' | 'SECRETS_MANAGER', ref: string) => {
        const value = lookup(type, ref);
        secrets.push(value);
        return value;
      };
      let env: Record<string, string>;
      try {
        env = { ...spec.variables };
        for (const [k, ref] of Object.entries(spec.parameterStore)) env[k] = resolve('PARAMETER_STORE', ref);
        for (const [k, ref] of Object.entries(spec.secretsManager)) env[k] = resolve('SECRETS_MANAGER', ref);
        for (const v of variables) env[v.name] = v.type === 'PLAINTEXT' ? v.value : resolve(v.type, v.value);
      } catch (e) {
        if (e instanceof MissingSecretError) throw clientError('DOWNLOAD_SOURCE', e.message);
        throw e;
      }
      log = actionLog(this.engine, build.logId, secrets);
      for (const k of spec.ignored) log.container(`The buildspec section '${k}' is not simulated locally and was ignored`);
      if (this.stopped) throw new Error('codepipeline-local stopped while the build was being prepared');
      const fullEnv = this.environment(scope, ws, build, env);
      log.container(`Moving to directory ${ws.srcDir}`);
      const run = new BuildRun({
        shell: localShell(spec.shell ?? shell),
        cwd: ws.srcDir,
        env: fullEnv,
        phases: spec.phases,
        exportedVariables: spec.exportedVariables,
        timeoutMinutes,
        log,
        onPhase: (phase, state, context) => (state === 'START' ? rec.enter(phase) : rec.end(phase, state, context)),
      });
      this.running.set(build.id, run);
      const outcome = await run.execute().finally(() => this.running.delete(build.id));
      if (outcome.status === 'STOPPED') {
        rec.finish('STOPPED');
        return;
      }
      if (outcome.status !== 'SUCCEEDED') throw new BuildFailure(outcome.failure!);
      log.container('Entering phase UPLOAD_ARTIFACTS');
      rec.enter('UPLOAD_ARTIFACTS');
      const uploaded = await this.upload(ws, build, spec, artifacts, secondaryArtifacts);
      log.container('Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED');
      rec.update(uploaded);
      rec.finish('SUCCEEDED', outcome.exported);
    } catch (e) {
      const dataDir = this.engine.localConfig.dataDir;
      if (e instanceof BuildFailure) {
        const message = withoutLocalPaths(e.failure.message, dataDir);
        log.container(`Phase complete: ${e.failure.phase} State: ${e.failure.code === 'BUILD_TIMED_OUT' ? 'TIMED_OUT' : 'FAILED'}`);
        log.container(`Phase context status code: ${e.failure.code} Message: ${message}`);
        rec.finish(e.failure.code === 'BUILD_TIMED_OUT' ? 'TIMED_OUT' : 'FAILED', {}, { code: e.failure.code, message });
      } else {
        const message = withoutLocalPaths(e instanceof Error ? e.message : String(e), dataDir);
        log.container(message);
        rec.finish('FAULT', {}, { code: 'CLIENT_ERROR', message });
      }
    } finally {
      log.flush();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  /** The primary source into src/, secondary sources into sources/<identifier>/. */
  private async download(scope: Scope, root: string, build: StoredBuild): Promise<Workspace> {
    const srcDir = path.join(root, 'src');
    fs.mkdirSync(srcDir, { recursive: true });
    await this.fetchSource(scope, build.source!, srcDir, build.sourceVersion);
    const secondaryDirs: Record<string, string> = {};
    for (const s of build.secondarySources ?? []) {
      const sid = s.sourceIdentifier!;
      const dir = path.join(root, 'sources', sid);
      fs.mkdirSync(dir, { recursive: true });
      const version = build.secondarySourceVersions?.find((v) => v.sourceIdentifier === sid)?.sourceVersion;
      await this.fetchSource(scope, s, dir, version);
      secondaryDirs[sid] = dir;
    }
    return { root, srcDir, secondaryDirs };
  }

  private async fetchSource(scope: Scope, source: ProjectSource, dir: string, version: string | undefined) {
    switch (source.type) {
      case 'NO_SOURCE':
      case 'CODEPIPELINE':
        return;
      case 'S3': {
        const location = source.location ?? '';
        const slash = location.indexOf('/');
        const bucket = location.slice(0, slash);
        const key = location.slice(slash + 1);
        if (slash <= 0 || !key) throw clientError('DOWNLOAD_SOURCE', `Invalid S3 source location: ${location}`);
        let body: Buffer | undefined;
        try {
          body = await this.engine.objects.getBuffer(bucket, key, version);
        } catch {
          body = undefined;
        }
        if (!body) throw clientError('DOWNLOAD_SOURCE', `NoSuchKey: the source object s3://${bucket}/${key}${version ? ` (version ${version})` : ''} does not exist in the emulator's S3 store`);
        try {
          await extractZip(body, dir, { artifact: source.sourceIdentifier ?? 'source', limits: this.engine.unzipLimits, signal: this.aborter.signal });
        } catch (e) {
          throw clientError('DOWNLOAD_SOURCE', `the source object s3://${bucket}/${key} is not a zip archive CodeBuild can extract: ${(e as Error).message}`);
        }
        return;
      }
      case 'CODECOMMIT': {
        const name = /\/v1\/repos\/([^/?#]+)/.exec(source.location ?? '')?.[1];
        if (!name) throw clientError('DOWNLOAD_SOURCE', `Invalid CodeCommit source location: ${source.location}`);
        let repo: string;
        try {
          repo = codeCommitRepositoryPath(this.engine.localConfig, decodeURIComponent(name));
        } catch (e) {
          throw clientError('DOWNLOAD_SOURCE', (e as Error).message);
        }
        if (!fs.existsSync(repo)) throw clientError('DOWNLOAD_SOURCE', `the CodeCommit repository ${name} has no local git repository (expected at ${repo})`);
        try {
          await git(dir, ['clone', '--quiet', '--', repo, '.'], { signal: this.aborter.signal });
          if (version) await git(dir, ['checkout', '--quiet', version.replace(/^refs\/heads\//, '')], { signal: this.aborter.signal });
        } catch (e) {
          throw clientError('DOWNLOAD_SOURCE', (e as Error).message);
        }
        return;
      }
      default:
        throw clientError('DOWNLOAD_SOURCE', `codepipeline-local runs StartBuild builds from S3, CODECOMMIT or NO_SOURCE sources; the source type ${source.type} is not simulated`);
    }
  }

  /** The host environment with the emulator's AWS settings, the build's variables, then the CODEBUILD_* ones. */
  private environment(scope: Scope, ws: Workspace, build: StoredBuild, env: Record<string, string>): Record<string, string> {
    const host = buildAwsEnvironment(ws.root, {
      endpoint: this.engine.baseUrl,
      account: scope.account,
      region: scope.region,
      key: this.engine.credentialsFor?.(scope.account),
    });
    const source = build.source!;
    return {
      ...host,
      ...env,
      CODEBUILD_BUILD_ID: build.id,
      CODEBUILD_BUILD_ARN: build.arn,
      CODEBUILD_BUILD_NUMBER: String(build.buildNumber),
      CODEBUILD_BUILD_IMAGE: build.environment?.image ?? 'codepipeline-local',
      CODEBUILD_BUILD_SUCCEEDING: '1',
      CODEBUILD_INITIATOR: build.initiator ?? '',
      CODEBUILD_KMS_KEY_ID: build.encryptionKey ?? `arn:aws:kms:${scope.region}:${scope.account}:alias/aws/s3`,
      CODEBUILD_LOG_PATH: buildUuid(build.id),
      CODEBUILD_START_TIME: String(build.startTime),
      CODEBUILD_SRC_DIR: ws.srcDir,
      ...(source.location && { CODEBUILD_SOURCE_REPO_URL: source.location }),
      ...(build.sourceVersion && { CODEBUILD_SOURCE_VERSION: build.sourceVersion }),
      ...Object.fromEntries(Object.entries(ws.secondaryDirs).map(([name, dir]) => [`CODEBUILD_SRC_DIR_${name}`, dir])),
    };
  }

  /** S3 artifacts (primary and secondary) into the emulator's S3 store; what the build then shows of them. */
  private async upload(
    ws: Workspace,
    build: StoredBuild,
    spec: Buildspec,
    artifacts: NonNullable<StoredProject['artifacts']>,
    secondary: NonNullable<StoredProject['secondaryArtifacts']>,
  ): Promise<Partial<StoredBuild>> {
    const one = async (a: typeof artifacts, files: ArtifactSpec | undefined, what: string): Promise<BuildArtifacts> => {
      if (a.type !== 'S3') return {};
      if (!files) throw clientError('UPLOAD_ARTIFACTS', `no artifact paths for ${what}: the buildspec declares no ${what === 'the primary artifact' ? 'artifacts.files' : `secondary artifact ${a.artifactIdentifier}`}`);
      const bucket = a.location!;
      if (!this.engine.objects.getBucket(bucket)) throw clientError('UPLOAD_ARTIFACTS', `NoSuchBucket: the artifact bucket ${bucket} does not exist in the emulator's S3 store`);
      let list;
      try {
        list = await collectArtifact(ws, files);
      } catch (e) {
        throw clientError('UPLOAD_ARTIFACTS', (e as Error).message);
      }
      if (!list.length) throw clientError('UPLOAD_ARTIFACTS', `no matching artifact paths found (${what})`);
      const name = a.name || build.projectName;
      const key = [a.path, a.namespaceType === 'BUILD_ID' ? buildUuid(build.id) : undefined, name].filter((p) => p).join('/');
      if (a.packaging === 'ZIP') await this.engine.objects.putObject({ bucket, key, body: await zipArtifact(list), contentType: 'application/zip' });
      else for (const f of list) await this.engine.objects.putObject({ bucket, key: `${key}/${f.path}`, body: fs.readFileSync(f.file) });
      return { location: `arn:aws:s3:::${bucket}/${key}`, ...(a.artifactIdentifier && { artifactIdentifier: a.artifactIdentifier }) };
    };
    const primary = await one(artifacts, spec.artifacts, 'the primary artifact');
    const others: BuildArtifacts[] = [];
    for (const a of secondary) others.push(await one(a, spec.secondaryArtifacts.get(a.artifactIdentifier ?? ''), `the secondary artifact ${a.artifactIdentifier}`));
    return { artifacts: primary, secondaryArtifacts: others.filter((o) => o.location !== undefined) };
  }

  private get inMemory() {
    return this.engine.store.location === ':memory:';
  }
}
