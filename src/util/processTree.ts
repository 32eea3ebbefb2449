// Child processes that can be killed with everything they started: each runs as the leader of its
// own process group (spawned detached), and a kill reaches the group and any descendant that left it.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/** Spawns `command` as a process-group leader, so killTree can end it and all its children. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}

/**
 * The pids descending from `root` (Linux /proc; elsewhere none, and the group kill covers them).
 * Each thread's list of children when the kernel keeps one (a walk of the tree only: a build's shell
 * is killed at the end of every build), else every process's parent read from its stat.
 */
export function descendants(root: number): number[] {
  const walked = childrenWalk(root);
  return walked ?? descendantsByScan(root);
}

/** The tree under `root` from /proc/<pid>/task/<tid>/children; undefined when the kernel has no such lists. */
function childrenWalk(root: number): number[] | undefined {
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Gone already.
    }
    for (const tid of tasks) {
      let list: string;
      try {
        list = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      } catch (e) {
        // The process or thread ended meanwhile; a kernel without the lists has none for a live root.
        if (pid === root && (e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(`/proc/${pid}/task/${tid}`)) return undefined;
        continue;
      }
      for (const c of list.split(' ')) {
        const child = Number(c);
        if (c.trim() && Number.isInteger(child)) out.push(child), queue.push(child);
      }
    }
  }
  return out;
}

export function descendantsByScan(root: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name (2nd field) may hold spaces and parentheses: the ppid follows its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(e));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) for (const c of children.get(queue.shift()!) ?? []) out.push(c), queue.push(c);
  return out;
}

/** Kills a process group leader, its group, and descendants that moved to other groups or sessions. */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGKILL') {
  const found = descendants(pid);
  for (const target of [-pid, pid, ...found]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Whether a process exists (a zombie still counts until its parent reaps it). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
