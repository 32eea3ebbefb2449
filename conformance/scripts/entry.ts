// Spawns the real CLI entry (src/main.ts through tsx, or the compiled dist/main.js) as a child
// process and waits for its "listening on URL" line. Shared by the persistence test and the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export type EntryKind = 'tsx' | 'dist';

/** The argv (after `node`) that runs the CLI entry; absolute paths so any cwd works. */
export function entryArgs(kind: EntryKind, args: string[]): string[] {
  return kind === 'tsx' ? ['--import', TSX_LOADER, path.join(ROOT, 'src', 'main.ts'), ...args] : [path.join(ROOT, 'dist', 'main.js'), ...args];
}

export interface Entry {
  child: ChildProcess;
  endpoint: string;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the child is gone. */
  exited: Promise<number | string>;
}

/** Extra node flags for the entry from BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` to profile the bench's server). */
const nodeArgs = (): string[] => process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

/** The parent's environment without the emulator's own variables, so only the flags decide. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CODEPIPELINE_LOCAL_')) delete env[k];
  return env;
}

/** Starts the entry and resolves once it prints its endpoint; rejects if it exits first or takes over `timeoutMs`. */
export function startEntry(opts: { kind?: EntryKind; args: string[]; cwd?: string; timeoutMs?: number }): Promise<Entry> {
  const child = spawn(process.execPath, [...nodeArgs(), ...entryArgs(opts.kind ?? 'tsx', opts.args)], {
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: cleanEnv(),
  });
  let err = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`entry did not start within ${opts.timeoutMs ?? 20_000} ms; stderr:\n${err}`));
    }, opts.timeoutMs ?? 20_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = err.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1], stderr: () => err, exited });
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`entry exited (${code}) before listening; stderr:\n${err}`));
    });
  });
}

/** Kills a child that may still run, and waits for it to be gone. */
export async function killEntry(e: Entry | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!e || e.child.exitCode !== null || e.child.signalCode !== null) return;
  e.child.kill(signal);
  await e.exited;
}

/** Runs the entry to its end (a command, or a start that is refused): its exit code, stdout and stderr. */
export function runEntry(opts: { kind?: EntryKind; args: string[]; cwd?: string; timeoutMs?: number }): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeArgs(), ...entryArgs(opts.kind ?? 'tsx', opts.args)], { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stdout, stderr });
    }),
  );
}
