// Starts the emulator in-process on an ephemeral loopback port and builds SDK clients against it.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { start, type RunningEmulator, type StartOptions } from '../src/index.js';

export const ACCOUNT = '123456789012';

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  return start({ port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent', ...options });
}

/** An SDK client for `region`; a 12-digit access key id makes that the account. */
export function client(endpoint: string, opts: { region?: string; accessKeyId?: string } = {}): CodePipelineClient {
  return new CodePipelineClient({
    endpoint,
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? ACCOUNT, secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Posts a raw body to the CodePipeline endpoint, for wire-level tests. */
export async function rawCall(endpoint: string, target: string | undefined, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target && { 'x-amz-target': target }),
      ...headers,
    },
    body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Awaits a promise that must reject, and returns the error for exact assertions. */
export async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
