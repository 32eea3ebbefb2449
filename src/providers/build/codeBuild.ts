// Build/CodeBuild and Test/CodeBuild: the project named by ProjectName is one of the build projects
// (src/builds/projects.ts: the local configuration's codebuild.projects, and their build numbers);
// the buildspec (the project's, else buildspec.yml in the primary source) runs in a local shell.
import fs from 'node:fs';
import path from 'node:path';
import type { BuildProjects } from '../../builds/projects.js';
import type { Engine } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import type { ActionLog } from '../../logs/actionLogs.js';
import { BuildspecError, parseBuildspec, type ArtifactSpec, type Buildspec } from './buildspec.js';
import { ActionFailure, BuildFailure, LocalBuildProvider, localShell, type BuildDefinition } from './localBuild.js';
import { MissingSecretError } from './secrets.js';
import { referenceResolver, type ReferenceType } from '../../builds/variables.js';
import type { Scope } from '../../store/scope.js';
import { BuildRecorder, buildLogs, shownVariables } from '../../builds/buildRecord.js';
import type { ProjectVariable } from '../../builds/projects.js';
import type { Workspace } from './workspace.js';

const DEFAULT_TIMEOUT_MINUTES = 60;

interface ActionEnvironmentVariable {
  name: string;
  value: string;
  type: 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';
}

/** The action's EnvironmentVariables configuration: a JSON list of {name, value, type}. */
function actionVariables(json: string | undefined): ActionEnvironmentVariable[] {
  if (json === undefined || json === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw new ActionFailure('The EnvironmentVariables configuration is not valid JSON: expected a list of {"name", "value", "type"}');
  }
  if (!Array.isArray(list)) throw new ActionFailure('The EnvironmentVariables configuration must be a JSON list of {"name", "value", "type"}');
  return list.map((v, i) => {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const type = (o.type ?? 'PLAINTEXT') as string;
    if (typeof o.name !== 'string' || !o.name || typeof o.value !== 'string')
      throw new ActionFailure(`EnvironmentVariables[${i}] needs a string name and value`);
    if (!['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'].includes(type))
      throw new ActionFailure(`EnvironmentVariables[${i}] has type '${type}': use PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER`);
    return { name: o.name, value: o.value, type: type as ActionEnvironmentVariable['type'] };
  });
}

export class CodeBuildProvider extends LocalBuildProvider {
  constructor(
    engine: Engine,
    private readonly projects: BuildProjects,
  ) {
    super(engine);
  }

  protected buildIdPrefix(start: ActionStart) {
    return start.resolvedConfiguration.ProjectName ?? 'project';
  }

  protected nextBuildNumber(start: ActionStart): number {
    return this.projects.nextBuildNumber(buildScope(start), this.buildIdPrefix(start));
  }

  protected record(start: ActionStart, buildId: string, buildNumber: number, logUrl: string): BuildRecorder {
    const scope = buildScope(start);
    const name = this.buildIdPrefix(start);
    const project = this.projects.project(scope, start.resolvedConfiguration.ProjectName);
    const stored = project.stored;
    const primaryName = start.resolvedConfiguration.PrimarySource ?? start.inputArtifacts[0]?.name;
    const primary = start.inputArtifacts.find((a) => a.name === primaryName);
    const s3 = (loc: { bucket?: string; key?: string } | undefined) => loc?.bucket && `arn:aws:s3:::${loc.bucket}/${loc.key}`;
    const out = start.outputArtifacts[0]?.location;
    return BuildRecorder.begin(this.engine.store, this.engine.clock, scope, {
      id: buildId,
      projectName: name,
      buildNumber,
      logId: start.actionExecution.id,
      initiator: `codepipeline/${start.execution.pipeline}`,
      ...(s3(primary?.s3location) && { sourceVersion: s3(primary?.s3location) }),
      ...(primary?.revision && { resolvedSourceVersion: primary.revision }),
      source: { type: 'CODEPIPELINE', ...(project.buildspec !== undefined && { buildspec: project.buildspec }) },
      secondarySources: start.inputArtifacts
        .filter((a) => a !== primary)
        .map((a) => ({ type: 'S3' as const, location: `${a.s3location?.bucket}/${a.s3location?.key}`, sourceIdentifier: a.name })),
      secondarySourceVersions: [],
      artifacts: out ? { location: `arn:aws:s3:::${out.bucket}/${out.key}` } : {},
      secondaryArtifacts: [],
      cache: stored?.cache ?? { type: 'NO_CACHE' },
      environment: {
        ...(stored?.environment ?? { type: 'LINUX_CONTAINER', image: 'codepipeline-local', computeType: 'BUILD_GENERAL1_SMALL', privilegedMode: false, imagePullCredentialsType: 'CODEBUILD' }),
        environmentVariables: shownVariables(project.environmentVariables),
      },
      ...(stored?.serviceRole && { serviceRole: stored.serviceRole }),
      logs: buildLogs(name, buildId, logUrl),
      timeoutInMinutes: project.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES,
      queuedTimeoutInMinutes: stored?.queuedTimeoutInMinutes ?? 480,
      encryptionKey: stored?.encryptionKey ?? `arn:aws:kms:${scope.region}:${scope.account}:alias/aws/s3`,
    });
  }

  protected async define(start: ActionStart, ws: Workspace, log: ActionLog): Promise<BuildDefinition> {
    const config = start.resolvedConfiguration;
    if (String(config.BatchEnabled ?? '').toLowerCase() === 'true')
      throw new ActionFailure('codepipeline-local does not simulate CodeBuild batch builds (BatchEnabled is true): set BatchEnabled to false to run the project as a single local build');
    const project = this.projects.project(buildScope(start), config.ProjectName);
    const secrets: string[] = [];
    const lookup = referenceResolver(this.engine.store, this.engine.localConfig, buildScope(start));
    const resolve = (kind: ReferenceType, ref: string) => {
      const value = lookup(kind, ref);
      secrets.push(value);
      return value;
    };
    const { spec, location } = readBuildspec(ws, project.buildspec);
    log.container(`YAML location is ${location}`);
    log.container('Processing environment variables');
    try {
      // Precedence as CodeBuild documents it: the action's variables, then the project's, then the buildspec's.
      const env: Record<string, string> = { ...spec.variables };
      for (const [k, ref] of Object.entries(spec.parameterStore)) env[k] = resolve('PARAMETER_STORE', ref);
      for (const [k, ref] of Object.entries(spec.secretsManager)) env[k] = resolve('SECRETS_MANAGER', ref);
      for (const v of project.environmentVariables) env[v.name] = v.type === 'PLAINTEXT' ? v.value : resolve(v.type, v.value);
      const shown = new Map<string, ProjectVariable>();
      for (const v of project.environmentVariables) shown.set(v.name, v);
      for (const v of actionVariables(config.EnvironmentVariables)) {
        env[v.name] = v.type === 'PLAINTEXT' ? v.value : resolve(v.type, v.value);
        shown.set(v.name, v);
      }
      const timeout = Number(project.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES);
      return {
        phases: spec.phases,
        shell: localShell(spec.shell ?? project.shell),
        env,
        exportedVariables: spec.exportedVariables,
        timeoutMinutes: timeout > 0 ? timeout : DEFAULT_TIMEOUT_MINUTES,
        outputs: this.mapOutputs(start, spec),
        secrets,
        notes: spec.ignored.map((k) => `The buildspec section '${k}' is not simulated locally and was ignored`),
        shownVariables: shownVariables([...shown.values()]),
      };
    } catch (e) {
      if (e instanceof MissingSecretError) throw new ActionFailure(e.message);
      throw e;
    }
  }

  /**
   * Secondary artifacts fill the output artifacts of the same name; the primary fills the first other
   * one. An output artifact the buildspec has nothing for fails the build, but only once its phases
   * ran, in UPLOAD_ARTIFACTS, as CodeBuild does; a buildspec without artifacts is fine when the action declares none.
   */
  private mapOutputs(start: ActionStart, spec: Buildspec): { name: string; spec?: ArtifactSpec }[] {
    let primaryUsed = false;
    return start.outputArtifacts.map((out) => {
      const secondary = spec.secondaryArtifacts.get(out.name);
      if (secondary) return { name: out.name, spec: secondary };
      if (spec.artifacts && !primaryUsed) {
        primaryUsed = true;
        return { name: out.name, spec: spec.artifacts };
      }
      return { name: out.name };
    });
  }
}

/** A buildspec given as text (YAML over several lines, or JSON) rather than a path. */
export const isInlineBuildspec = (s: string) => /\n/.test(s.trim()) || s.trim().startsWith('{');

/** The account and region a build runs in: the action's region, else the pipeline's. */
const buildScope = (start: ActionStart): Scope => ({ account: start.execution.account, region: start.actionExecution.input.region ?? start.execution.region });

const yamlError = (message: string) => new BuildFailure({ phase: 'DOWNLOAD_SOURCE', code: 'YAML_FILE_ERROR', message });

/** The project's buildspec (a path in the primary source, or inline YAML), else buildspec.yml. */
export function readBuildspec(ws: Workspace, configured: string | undefined): { spec: Buildspec; location: string } {
  let text: string;
  let location: string;
  if (configured && isInlineBuildspec(configured)) {
    text = configured;
    location = 'the project configuration (inline buildspec)';
  } else {
    location = path.resolve(ws.srcDir, configured || 'buildspec.yml');
    const rootDir = path.resolve(ws.root);
    if (!location.startsWith(rootDir + path.sep)) throw yamlError(`the buildspec path '${configured}' is outside the build folder`);
    try {
      const real = fs.realpathSync(location);
      if (!real.startsWith(fs.realpathSync(rootDir) + path.sep)) throw new Error('outside');
      text = fs.readFileSync(real, 'utf8');
    } catch {
      // Named inside the build folder (CodeBuild names its own /codebuild/output/... path), not where that folder is.
      throw yamlError(`stat ${path.relative(rootDir, location).split(path.sep).join('/')}: no such file or directory`);
    }
  }
  try {
    return { spec: parseBuildspec(text), location };
  } catch (e) {
    if (e instanceof BuildspecError) throw yamlError(e.message);
    throw e;
  }
}
