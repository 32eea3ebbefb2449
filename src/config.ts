// Runtime configuration, from CLI flags and environment variables (flags win).
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  inMemory: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Region used when a request carries no SigV4 credential scope. */
  defaultRegion: string;
  /** The local configuration file (repositories, CodeBuild projects, Lambda handlers...); see src/localConfig.ts. */
  configFile?: string;
  /** Most bytes one input artifact may unpack to (each file at most this, and at most 2 GiB); default 4 GiB. */
  maxArtifactSize?: number;
}

export const DEFAULT_PORT = 4596;

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const env = process.env;
  return {
    host: env.CODEPIPELINE_LOCAL_HOST ?? '127.0.0.1',
    port: env.CODEPIPELINE_LOCAL_PORT ? Number(env.CODEPIPELINE_LOCAL_PORT) : DEFAULT_PORT,
    dataDir: path.resolve(env.CODEPIPELINE_LOCAL_DATA_DIR ?? 'data'),
    inMemory: env.CODEPIPELINE_LOCAL_IN_MEMORY === '1' || env.CODEPIPELINE_LOCAL_IN_MEMORY === 'true',
    logLevel: (env.CODEPIPELINE_LOCAL_LOG_LEVEL as Config['logLevel']) ?? 'info',
    defaultRegion: env.AWS_DEFAULT_REGION ?? env.AWS_REGION ?? 'us-east-1',
    configFile: env.CODEPIPELINE_LOCAL_CONFIG,
    ...overrides,
  };
}
