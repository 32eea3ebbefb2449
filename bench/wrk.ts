// Load from `wrk` (Debian's package), pinned to one core while the server under test is pinned to the
// other, so the generator is not what saturates. Requests are built by a generated Lua script: the
// same operation, headers and bodies the Node generator sends.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load.js';

export const hasWrk = () => spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
const hasTaskset = () => spawnSync('sh', ['-c', 'command -v taskset']).status === 0;

/** CPU the load generator runs on, and the CPU servers are pinned to (the last one). */
export const GENERATOR_CPU = 0;
export const SERVER_CPU = Math.max(0, os.cpus().length - 1);

/** Pins a running process (all its threads) to the server's CPU; false when it cannot. */
export function pinToServerCpu(pid: number): boolean {
  if (!hasTaskset() || os.cpus().length < 2) return false;
  return spawnSync('taskset', ['-a', '-cp', String(SERVER_CPU), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** User + system CPU seconds a process has used so far (Linux /proc), or undefined elsewhere. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Steal ticks (time the hypervisor gave the CPU to another guest) of one CPU so far, from /proc/stat. */
export function stealTicks(cpu: number): number | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    // cpuN user nice system idle iowait irq softirq steal ...
    const steal = line?.trim().split(/\s+/)[8];
    return steal === undefined ? undefined : Number(steal);
  } catch {
    return undefined;
  }
}

/** How one request of an operation is built, as Lua expressions over the request counter `i` (from 1). */
export interface WrkRequest {
  /** Fixed headers. */
  headers: Record<string, string>;
  /** A Lua expression for the Authorization header (per request), when it varies. */
  authorizationLua?: string;
  /** A Lua expression for the X-Amz-Target header (per request), when it varies. */
  targetLua?: string;
  /** A Lua expression for the body. */
  bodyLua: string;
}

/** A Lua string literal in long brackets (no escaping), of a level that neither the text nor its last `]` can close. */
export const luaString = (s: string) => {
  let eq = '=';
  while (`${s}]`.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
};

export function wrkScript(r: WrkRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `  [ ${luaString(k)} ] = ${luaString(v)},`)
    .join('\n');
  return [
    'local headers = {',
    headers,
    '}',
    'local i = 0',
    'request = function()',
    '  i = i + 1',
    r.authorizationLua ? `  headers["authorization"] = ${r.authorizationLua}` : '',
    r.targetLua ? `  headers["x-amz-target"] = ${r.targetLua}` : '',
    `  return wrk.format("POST", "/", headers, ${r.bodyLua})`,
    'end',
    '',
  ].join('\n');
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const ms = (text: string) => {
  const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
};

/** Runs wrk for `seconds` against `url` with `connections` keep-alive connections on one thread. */
export async function runWrk(o: { url: string; request: WrkRequest; connections: number; seconds: number; serverPid?: number }): Promise<LoadResult & { serverCpuMsPerRequest?: number; serverCoreStealPct?: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-wrk-'));
  const file = path.join(dir, 'request.lua');
  fs.writeFileSync(file, wrkScript(o.request));
  const args = ['-t1', `-c${o.connections}`, `-d${Math.max(1, Math.round(o.seconds))}s`, '--latency', '--timeout', '10s', '-s', file, o.url];
  const [cmd, argv] = hasTaskset() && os.cpus().length > 1 ? ['taskset', ['-c', String(GENERATOR_CPU), 'wrk', ...args]] : ['wrk', args];
  const cpuBefore = o.serverPid ? cpuSeconds(o.serverPid) : undefined;
  const stealBefore = stealTicks(SERVER_CPU);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    // wrk stops itself after -d (whole seconds, at least 1); this bound only catches a wedged run.
    const timer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 30) * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`wrk exited ${code}: ${text}`));
    });
  });
  const cpuAfter = o.serverPid ? cpuSeconds(o.serverPid) : undefined;
  const stealAfter = stealTicks(SERVER_CPU);
  fs.rmSync(dir, { recursive: true, force: true });
  const total = out.match(/(\d+) requests in ([\d.]+)(us|ms|s|m),\s+([\d.]+)(B|KB|MB|GB) read/);
  if (!total) throw new Error(`unexpected wrk output:\n${out}`);
  const requests = Number(total[1]);
  const seconds = ms(`${total[2]}${total[3]}`) / 1000;
  const bytesRead = Number(total[4]) * { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[total[5] as 'B'];
  const pct = (p: string) => ms(out.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'))?.[1] ?? '');
  const socketErrors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const errors = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    requests,
    errors,
    seconds,
    rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? requests / seconds),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    // Headers included: wrk counts every byte read.
    meanResponseBytes: requests ? bytesRead / requests : 0,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && requests && { serverCpuMsPerRequest: ((cpuAfter - cpuBefore) * 1000) / requests }),
    // Ticks are 1/100 s: the share of the run's wall time the server's core was taken by the hypervisor.
    ...(stealBefore !== undefined && stealAfter !== undefined && seconds && { serverCoreStealPct: (stealAfter - stealBefore) / seconds }),
  };
}
