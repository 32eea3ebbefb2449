// Runtime configuration, from CLI flags and environment variables (flags win).
import path from 'node:path';
import type { AccessKey } from './protocol/credentials.js';

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
  /** Browser origins allowed besides local ones (--cors-origins); ['*'] allows every page. See protocol/requestGuard.ts. */
  corsOrigins: string[];
  /** Host names allowed besides loopback ones and the listen address (--allowed-hosts); ['*'] allows any. */
  allowedHosts: string[];
  /** The URL clients reach the emulator at, for the URLs it hands out (webhooks, logs); default: its endpoint. */
  publicUrl?: string;
  /** --credentials FILE (env CODEPIPELINE_LOCAL_CREDENTIALS): access keys whose SigV4 signatures every request must carry. */
  credentialsFile?: string;
  /** Access keys given programmatically (start({ credentials })), added to the file's and the local configuration's. */
  credentials?: AccessKey[];
  /**
   * Set by start(): true when any access keys are configured, so every request's signature is verified
   * (false: signatures are not checked and unsigned requests are accepted).
   */
  verifySignatures: boolean;
  /** Most bytes one input artifact may unpack to (each file at most this, and at most 2 GiB); default 4 GiB. */
  maxArtifactSize?: number;
  /**
   * Days of execution history kept (--history-retention-days, env CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS,
   * else the local configuration's history.retentionDays, else 365 as AWS); 0 keeps it forever.
   */
  historyRetentionDays?: number;
}

/** "a, b,,c" -> ['a', 'b', 'c'] (comma-separated flag and environment values). */
export const commaList = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

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
    corsOrigins: commaList(env.CODEPIPELINE_LOCAL_CORS_ORIGINS),
    allowedHosts: commaList(env.CODEPIPELINE_LOCAL_ALLOWED_HOSTS),
    publicUrl: env.CODEPIPELINE_LOCAL_PUBLIC_URL || undefined,
    credentialsFile: env.CODEPIPELINE_LOCAL_CREDENTIALS || undefined,
    verifySignatures: false,
    ...(env.CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS && { historyRetentionDays: Number(env.CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS) }),
    ...overrides,
  };
}
