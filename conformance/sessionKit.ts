// Emulators on file-backed data folders, started and stopped around a piece of a test, as a user
// restarts theirs: each `session` runs once change detection (with its catch-up) has settled. The
// folders and any emulator a failed test left running are cleaned up after the suite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import type { TriggerService } from '../src/triggers/service.js';
import { client, startEmulator } from './harness.js';

export function useFileSessions(prefix: string) {
  const dirs: string[] = [];
  const running = new Set<RunningEmulator>();
  afterAll(async () => {
    for (const e of running) await e.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    freshDataDir(): string {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    async session<T>(dataDir: string, fn: (c: CodePipelineClient, s: TriggerService, e: RunningEmulator) => Promise<T>): Promise<T> {
      const e = await startEmulator({ inMemory: false, dataDir });
      running.add(e);
      const c = client(e.endpoint);
      try {
        const s = e.triggers.service!;
        await s.settled();
        return await fn(c, s, e);
      } finally {
        c.destroy();
        await e.stop();
        running.delete(e);
      }
    },
  };
}
