// Starts the emulator in-process on an ephemeral loopback port and builds SDK clients against it.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, expect } from 'vitest';
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

export interface EmulatorOptions extends StartOptions {
  /** Runs once the emulator is up, before the suite's tests (e.g. `createCustomTypes`). */
  setup?: (cp: CodePipelineClient, emu: RunningEmulator) => unknown;
}

/** A suite's emulator and its default client, live from the suite's beforeAll until its afterAll. */
export interface EmulatorHandle {
  readonly emu: RunningEmulator;
  readonly cp: CodePipelineClient;
}

/**
 * Starts one emulator for the enclosing suite (file or describe block): registers the beforeAll that
 * starts it, builds its client and runs `setup`, and the afterAll that stops it.
 */
export function useEmulator({ setup, ...options }: EmulatorOptions = {}): EmulatorHandle {
  let emu: RunningEmulator | undefined;
  let cp: CodePipelineClient | undefined;
  beforeAll(async () => {
    emu = await startEmulator(options);
    cp = client(emu.endpoint);
    await setup?.(cp, emu);
  });
  afterAll(() => emu?.stop());
  const live = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useEmulator: ${what} is only available while the suite runs`);
    return value;
  };
  return {
    get emu() {
      return live(emu, 'emu');
    },
    get cp() {
      return live(cp, 'cp');
    },
  };
}

/** The body parsed as JSON, or undefined when it is not JSON. */
export function jsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
  return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
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

/** Awaits a promise that must reject with the AWS error `name` (HTTP 400), and with exactly `message` if given. */
export async function expectAwsError(p: Promise<unknown>, name: string, message?: string): Promise<void> {
  const e = await failure(p);
  expect(e.name).toBe(name);
  expect(e.$metadata.httpStatusCode).toBe(400);
  if (message !== undefined) expect(e.message).toBe(message);
}
