// The local configuration: how AWS resources that a pipeline names map onto this machine
// (git repositories, CodeBuild projects, Lambda handlers, ECR digests, secrets, simulated outcomes).
// One YAML or JSON file, found at --config / CODEPIPELINE_LOCAL_CONFIG, else ./codepipeline-local.yml
// when present, with overrides from CODEPIPELINE_LOCAL_CONFIG_JSON; every section is optional and has a
// sensible default.
import fs from 'node:fs';
import path from 'node:path';
import { parseAccessKeys, type AccessKey } from './protocol/credentials.js';
import { lazyRequire } from './util/lazyRequire.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export interface CodeBuildProjectConfig {
  /** A buildspec file path relative to the primary source, or an inline buildspec (YAML text). Default: buildspec.yml. */
  buildspec?: string;
  /** Environment variables added to every build of the project. */
  environmentVariables?: Record<string, string>;
  /** Build timeout in minutes (AWS default 60). */
  timeoutInMinutes?: number;
  /** The shell commands run with (default: bash when present, else sh). */
  shell?: string;
}

export interface LambdaFunctionConfig {
  /** A JS module path exporting `handler(event, context)`; it reports with PutJobSuccessResult / PutJobFailureResult. */
  handler?: string;
  /** Or a command run with the event as JSON on stdin and in CODEPIPELINE_JOB_EVENT. */
  command?: string;
}

export interface LocalConfig {
  /** Where the file was read from (undefined: defaults only). */
  source?: string;
  /** CodeCommit RepositoryName -> local git repository path. Default: <dataDir>/git/<RepositoryName>. */
  repositories: Record<string, string>;
  /** CodeStarSourceConnection FullRepositoryId (owner/repo) -> local git repository path or file URL. Default: <dataDir>/git/<owner>/<repo>. */
  connections: Record<string, string>;
  codebuild: { projects: Record<string, CodeBuildProjectConfig> };
  lambda: { functions: Record<string, LambdaFunctionConfig> };
  /** ECR RepositoryName -> ImageTag -> image digest (sha256:...). Default: a digest derived from the name and tag. */
  ecr: { images: Record<string, Record<string, string>> };
  /** Values for PARAMETER_STORE and SECRETS_MANAGER environment variables (name or ARN -> value). */
  secrets: { parameterStore: Record<string, string>; secretsManager: Record<string, string> };
  /** Action names (or "Stage/Action") whose simulated deployments fail, to test failure paths. */
  simulate: { failDeployments: string[] };
  /** Access keys whose SigV4 signatures every request must carry (see src/protocol/credentials.ts); none: not verified. */
  credentials: AccessKey[];
  /** Days of execution history kept (unless --history-retention-days or its variable says): see src/engine/retention.ts. */
  history: { retentionDays?: number };
  /** The data folder, against which default paths are resolved. */
  dataDir: string;
}

export class LocalConfigError extends Error {}

export const emptyLocalConfig = (dataDir: string): LocalConfig => ({
  repositories: {},
  connections: {},
  codebuild: { projects: {} },
  lambda: { functions: {} },
  ecr: { images: {} },
  secrets: { parameterStore: {}, secretsManager: {} },
  simulate: { failDeployments: [] },
  credentials: [],
  history: {},
  dataDir,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the configuration file (explicit path, or ./codepipeline-local.yml when present), then applies
 * the overrides in CODEPIPELINE_LOCAL_CONFIG_JSON (the same schema, as JSON; entries win over the file's,
 * paths relative to the working folder).
 */
export function loadLocalConfig(dataDir: string, file?: string, env: NodeJS.ProcessEnv = process.env): LocalConfig {
  let config = emptyLocalConfig(dataDir);
  const candidate = file ?? ['codepipeline-local.yml', 'codepipeline-local.yaml', 'codepipeline-local.json'].find((f) => fs.existsSync(f));
  if (candidate) {
    let raw: unknown;
    try {
      raw = yaml().parse(fs.readFileSync(candidate, 'utf8'));
    } catch (e) {
      throw new LocalConfigError(`cannot read the local configuration ${candidate}: ${(e as Error).message}`);
    }
    if (raw !== null && raw !== undefined && !isObject(raw)) throw new LocalConfigError(`the local configuration ${candidate} must be a mapping`);
    config = merge(config, read(raw ?? {}, path.dirname(path.resolve(candidate)), candidate));
    config.source = candidate;
  }
  const overrides = env.CODEPIPELINE_LOCAL_CONFIG_JSON;
  if (overrides) {
    let raw: unknown;
    try {
      raw = JSON.parse(overrides);
    } catch (e) {
      throw new LocalConfigError(`CODEPIPELINE_LOCAL_CONFIG_JSON is not valid JSON: ${(e as Error).message}`);
    }
    if (!isObject(raw)) throw new LocalConfigError('CODEPIPELINE_LOCAL_CONFIG_JSON must be a JSON object');
    config = merge(config, read(raw, process.cwd(), 'CODEPIPELINE_LOCAL_CONFIG_JSON'));
  }
  return config;
}

type Sections = Omit<LocalConfig, 'source' | 'dataDir'>;

function read(raw: Record<string, unknown>, base: string, where: string): Sections {
  const paths = (m: unknown) => Object.fromEntries(Object.entries(isObject(m) ? m : {}).map(([k, v]) => [k, resolvePath(base, String(v))]));
  const section = (v: unknown) => (isObject(v) ? v : {});
  const codebuild = section(raw.codebuild);
  const lambda = section(raw.lambda);
  const secrets = section(raw.secrets);
  const simulate = section(raw.simulate);
  const history = section(raw.history);
  if (history.retentionDays !== undefined && (typeof history.retentionDays !== 'number' || !(history.retentionDays >= 0)))
    throw new LocalConfigError(`${where}: history.retentionDays must be a number of days (0 keeps history forever)`);
  return {
    repositories: paths(raw.repositories),
    connections: paths(raw.connections),
    codebuild: { projects: section(codebuild.projects) as Record<string, CodeBuildProjectConfig> },
    lambda: {
      functions: Object.fromEntries(
        Object.entries(section(lambda.functions)).map(([k, v]) => {
          const f = section(v) as LambdaFunctionConfig;
          return [k, { ...f, ...(f.handler && { handler: resolvePath(base, f.handler) }) }];
        }),
      ),
    },
    ecr: { images: section(section(raw.ecr).images) as Record<string, Record<string, string>> },
    secrets: {
      parameterStore: section(secrets.parameterStore) as Record<string, string>,
      secretsManager: section(secrets.secretsManager) as Record<string, string>,
    },
    simulate: { failDeployments: Array.isArray(simulate.failDeployments) ? simulate.failDeployments.map(String) : [] },
    credentials: parseAccessKeys(raw.credentials, where),
    history: { ...(history.retentionDays !== undefined && { retentionDays: history.retentionDays as number }) },
  };
}

/** Entries of `over` win, map by map; failDeployments lists are joined. */
function merge(base: LocalConfig, over: Sections): LocalConfig {
  return {
    ...base,
    repositories: { ...base.repositories, ...over.repositories },
    connections: { ...base.connections, ...over.connections },
    codebuild: { projects: { ...base.codebuild.projects, ...over.codebuild.projects } },
    lambda: { functions: { ...base.lambda.functions, ...over.lambda.functions } },
    ecr: { images: { ...base.ecr.images, ...over.ecr.images } },
    secrets: {
      parameterStore: { ...base.secrets.parameterStore, ...over.secrets.parameterStore },
      secretsManager: { ...base.secrets.secretsManager, ...over.secrets.secretsManager },
    },
    simulate: { failDeployments: [...base.simulate.failDeployments, ...over.simulate.failDeployments] },
    credentials: [...base.credentials, ...over.credentials],
    history: { ...base.history, ...over.history },
  };
}

/** Paths in the file are relative to the file; file:// URLs are accepted. */
function resolvePath(base: string, p: string): string {
  if (p.startsWith('file://')) return new URL(p).pathname;
  return path.resolve(base, p);
}
