// The process tree a build leaves: found by walking the kernel's children lists, the same pids as a
// scan of every process's parent, including a child that left the group (setsid).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descendants, descendantsByScan, killTree, processExists } from './processTree.js';

describe('descendants', () => {
  it('finds children (one in its own session), a grandchild and its parent, as the full scan does; killTree ends them all', async () => {
    const root = spawn('bash', ['-c', 'sleep 30 & setsid sleep 31 & bash -c "sleep 32 & wait" & wait'], { detached: true, stdio: 'ignore' });
    try {
      let found: number[] = [];
      for (let i = 0; i < 50 && found.length < 4; i++) {
        await new Promise((r) => setTimeout(r, 20));
        found = descendants(root.pid!);
      }
      expect(found.sort()).toEqual(descendantsByScan(root.pid!).sort());
      expect(found).toHaveLength(4);
      killTree(root.pid!);
      await new Promise((r) => setTimeout(r, 100));
      expect(found.filter((p) => processExists(p) && !isZombie(p))).toEqual([]);
    } finally {
      killTree(root.pid!);
    }
  });
});

function isZombie(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}
