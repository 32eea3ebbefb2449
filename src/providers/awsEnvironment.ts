// The AWS settings that code run by the emulator sees (builds, Commands actions, Lambda handlers):
// whatever the developer exported for the real AWS (keys, a profile, SSO, a role, endpoints) is
// replaced, so an `aws s3 cp` or an SDK client in a local build reaches the emulator, as the
// pipeline's account and region, never a real account by accident. Everything else passes through.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where AWS calls of code run locally go, and as whom. */
export interface AwsTarget {
  /** The emulator's endpoint (every service is on it). */
  endpoint: string;
  /** The pipeline's account: a 12-digit access key id makes the emulator answer as that account. */
  account: string;
  region: string;
  /** The key to sign with when the emulator verifies signatures (one it issued for the account). */
  key?: { accessKeyId: string; secretAccessKey: string };
  /** Empty config and credentials files, so ~/.aws is never read (default: the null device). */
  configFile?: string;
  credentialsFile?: string;
}

/** A secret access key that fits nothing real, for when the emulator does not check signatures. */
export const LOCAL_SECRET_ACCESS_KEY = 'codepipeline-local';

/** Credentials, profiles, roles, metadata services and endpoint settings of the host: never inherited. */
const REPLACED = [
  /^AWS_ACCESS_KEY(_ID)?$/,
  /^AWS_SECRET(_ACCESS)?_KEY$/,
  /^AWS_(SESSION|SECURITY)_TOKEN$/,
  /^AWS_CREDENTIAL_EXPIRATION$/,
  /^AWS_ACCOUNT_ID$/,
  /^AWS_(DEFAULT_)?PROFILE$/,
  /^AWS_(CONFIG|SHARED_CREDENTIALS)_FILE$/,
  /^AWS_(DEFAULT_)?REGION$/,
  /^AWS_ENDPOINT_URL(_.+)?$/,
  /^AWS_IGNORE_CONFIGURED_ENDPOINT_URLS$/,
  /^AWS_USE_(FIPS|DUALSTACK)_ENDPOINT$/,
  /^AWS_CA_BUNDLE$/,
  /^AWS_ROLE_(ARN|SESSION_NAME)$/,
  /^AWS_WEB_IDENTITY_TOKEN_FILE$/,
  /^AWS_CONTAINER_(CREDENTIALS|AUTHORIZATION_TOKEN)/,
  /^AWS_EC2_METADATA_/,
  /^AWS_SSO_/,
];

export const isReplaced = (name: string) => REPLACED.some((r) => r.test(name));

/** `base` (the host's environment) without its AWS settings, and with the emulator's instead. */
export function awsEnvironment(base: NodeJS.ProcessEnv, target: AwsTarget): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !isReplaced(k)) env[k] = v;
  return {
    ...env,
    AWS_ENDPOINT_URL: target.endpoint,
    AWS_ACCESS_KEY_ID: target.key?.accessKeyId ?? target.account,
    AWS_SECRET_ACCESS_KEY: target.key?.secretAccessKey ?? LOCAL_SECRET_ACCESS_KEY,
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    AWS_CONFIG_FILE: target.configFile ?? os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile ?? os.devNull,
    // No instance metadata lookups from a developer's machine.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * The host environment for a build in the folder `root`, with the emulator's AWS settings and empty
 * AWS files of the build's own (`aws configure` in a build writes there, never to ~/.aws).
 */
export function buildAwsEnvironment(root: string, target: Omit<AwsTarget, 'configFile' | 'credentialsFile'>): Record<string, string> {
  const awsDir = path.join(root, '.aws');
  fs.mkdirSync(awsDir, { recursive: true });
  const configFile = path.join(awsDir, 'config');
  const credentialsFile = path.join(awsDir, 'credentials');
  fs.writeFileSync(configFile, '');
  fs.writeFileSync(credentialsFile, '');
  return awsEnvironment(hostEnvironment(), { ...target, configFile, credentialsFile });
}

/** process.env as it was before a JS handler's environment was swapped in (one handler at a time). */
let swappedOut: NodeJS.ProcessEnv | undefined;

/** The emulator's own environment: process.env, or what it holds again once the JS handler running now returns. */
export function hostEnvironment(): NodeJS.ProcessEnv {
  return swappedOut ?? process.env;
}

/**
 * Makes process.env exactly `env` (for code that runs in this process, a JS Lambda handler) and
 * returns what puts the previous environment back. Builds starting meanwhile read hostEnvironment().
 */
export function swapProcessEnv(env: Record<string, string>): () => void {
  const saved = { ...process.env };
  const setTo = (next: NodeJS.ProcessEnv) => {
    for (const k of Object.keys(process.env)) if (next[k] === undefined) delete process.env[k];
    for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v;
  };
  swappedOut = saved;
  setTo(env);
  return () => {
    setTo(saved);
    swappedOut = undefined;
  };
}
