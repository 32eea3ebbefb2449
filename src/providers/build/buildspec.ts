// The buildspec (version 0.2) as CodeBuild reads it: env, phases with on-failure and finally, and
// artifacts with secondary artifacts. Anything malformed is a BuildspecError, reported as CodeBuild's
// YAML_FILE_ERROR.
import { lazyRequire } from '../../util/lazyRequire.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export class BuildspecError extends Error {}

export type PhaseName = 'install' | 'pre_build' | 'build' | 'post_build';
export const PHASES: PhaseName[] = ['install', 'pre_build', 'build', 'post_build'];

export interface Phase {
  name: PhaseName;
  commands: string[];
  finally: string[];
  onFailure: 'ABORT' | 'CONTINUE';
}

export interface ArtifactSpec {
  files: string[];
  baseDirectory?: string;
  discardPaths: boolean;
  excludePaths: string[];
}

export interface Buildspec {
  variables: Record<string, string>;
  parameterStore: Record<string, string>;
  secretsManager: Record<string, string>;
  exportedVariables: string[];
  shell?: string;
  phases: Phase[];
  /** The primary artifact (artifacts.files...), when declared. */
  artifacts?: ArtifactSpec;
  /** artifacts.secondary-artifacts by artifact identifier. */
  secondaryArtifacts: Map<string, ArtifactSpec>;
  /** Sections CodeBuild knows that are not simulated (reports, cache...): mentioned in the log. */
  ignored: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new BuildspecError(`${where} must be a string`);
}

/** A command list: one string or a list of strings (numbers and booleans as YAML writes them). */
function commandList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((c, i) => scalar(c, `${where}[${i}]`));
}

function stringMap(v: unknown, where: string, names = false): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new BuildspecError(`${where} must be a mapping`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (names && !VARIABLE_NAME.test(k)) throw new BuildspecError(`${where}: '${k}' is not a valid environment variable name`);
    out[k] = val === null ? '' : scalar(val, `${where}.${k}`);
  }
  return out;
}

const yes = (v: unknown) => v === true || (typeof v === 'string' && ['yes', 'true'].includes(v.toLowerCase()));

function artifactSpec(v: Record<string, unknown>, where: string): ArtifactSpec {
  const files = commandList(v.files, `${where}.files`);
  if (!files.length) throw new BuildspecError(`${where}.files is required`);
  return {
    files,
    ...(v['base-directory'] !== undefined && v['base-directory'] !== null && { baseDirectory: scalar(v['base-directory'], `${where}.base-directory`) }),
    discardPaths: yes(v['discard-paths']),
    excludePaths: commandList(v['exclude-paths'], `${where}.exclude-paths`),
  };
}

export function parseBuildspec(text: string): Buildspec {
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    throw new BuildspecError(`YAML parse error: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isMap(raw)) throw new BuildspecError('the buildspec must be a YAML mapping');
  const version = raw.version === undefined ? undefined : String(raw.version);
  if (version !== '0.2') throw new BuildspecError(`invalid buildspec version '${version ?? ''}': codepipeline-local runs version 0.2`);
  const env = raw.env === undefined || raw.env === null ? {} : raw.env;
  if (!isMap(env)) throw new BuildspecError('env must be a mapping');
  const exported = commandList(env['exported-variables'], 'env.exported-variables');
  const badName = exported.find((n) => !VARIABLE_NAME.test(n));
  if (badName !== undefined) throw new BuildspecError(`env.exported-variables: '${badName}' is not a valid environment variable name`);
  const phasesRaw = raw.phases === undefined || raw.phases === null ? {} : raw.phases;
  if (!isMap(phasesRaw)) throw new BuildspecError('phases must be a mapping');
  const unknownPhase = Object.keys(phasesRaw).find((p) => !PHASES.includes(p as PhaseName));
  if (unknownPhase) throw new BuildspecError(`unknown phase '${unknownPhase}'; phases are ${PHASES.join(', ')}`);
  const phases: Phase[] = [];
  for (const name of PHASES) {
    const p = phasesRaw[name];
    if (p === undefined || p === null) continue;
    if (!isMap(p)) throw new BuildspecError(`phases.${name} must be a mapping`);
    const onFailure = p['on-failure'] === undefined ? 'ABORT' : String(p['on-failure']);
    if (onFailure !== 'ABORT' && onFailure !== 'CONTINUE')
      throw new BuildspecError(`phases.${name}.on-failure '${onFailure}' is not supported locally: use ABORT or CONTINUE`);
    phases.push({ name, commands: commandList(p.commands, `phases.${name}.commands`), finally: commandList(p.finally, `phases.${name}.finally`), onFailure });
  }
  let artifacts: ArtifactSpec | undefined;
  const secondaryArtifacts = new Map<string, ArtifactSpec>();
  if (raw.artifacts !== undefined && raw.artifacts !== null) {
    if (!isMap(raw.artifacts)) throw new BuildspecError('artifacts must be a mapping');
    if (raw.artifacts.files !== undefined) artifacts = artifactSpec(raw.artifacts, 'artifacts');
    const secondary = raw.artifacts['secondary-artifacts'];
    if (secondary !== undefined && secondary !== null) {
      if (!isMap(secondary)) throw new BuildspecError('artifacts.secondary-artifacts must be a mapping');
      for (const [id, spec] of Object.entries(secondary)) {
        if (!isMap(spec)) throw new BuildspecError(`artifacts.secondary-artifacts.${id} must be a mapping`);
        secondaryArtifacts.set(id, artifactSpec(spec, `artifacts.secondary-artifacts.${id}`));
      }
    }
  }
  return {
    variables: stringMap(env.variables, 'env.variables', true),
    parameterStore: stringMap(env['parameter-store'], 'env.parameter-store', true),
    secretsManager: stringMap(env['secrets-manager'], 'env.secrets-manager', true),
    exportedVariables: exported,
    ...(env.shell !== undefined && env.shell !== null && { shell: scalar(env.shell, 'env.shell') }),
    phases,
    ...(artifacts && { artifacts }),
    secondaryArtifacts,
    ignored: ['reports', 'cache', 'batch', 'proxy'].filter((k) => raw[k] !== undefined),
  };
}
