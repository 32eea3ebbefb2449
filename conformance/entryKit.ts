// The real CLI entry in a suite: a temporary folder that lives as long as the suite, and launches
// (`--port 0 --log-level warn` and the given flags) that never outlive it, whatever fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { killEntry, startEntry, type Entry } from './scripts/entry.js';

export function useEntries(prefix: string) {
  const live = new Set<Entry>();
  let tmp: string | undefined;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    for (const e of live) await killEntry(e);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  return {
    /** The suite's temporary folder (from its beforeAll on). */
    get tmp(): string {
      if (!tmp) throw new Error('useEntries: tmp is only available while the suite runs');
      return tmp;
    },
    async launch(args: string[], cwd?: string): Promise<Entry> {
      const e = await startEntry({ args: ['--port', '0', '--log-level', 'warn', ...args], cwd });
      live.add(e);
      e.exited.then(() => live.delete(e));
      return e;
    },
  };
}
