// Zip archives for pipeline artifacts (fflate): a folder into a zip, and a zip into a folder
// without ever writing outside it.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Zippable } from 'fflate';
import { lazyRequire } from './lazyRequire.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');
const tinyglobby = lazyRequire<typeof import('tinyglobby')>('tinyglobby');

export class UnsafeArchiveError extends Error {}

/** Largest total the synchronous readZip unpacks (its entries' declared sizes; fflate never inflates past them). For tests and small archives only. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

/** An input artifact too large to extract (a zip bomb, or simply too big for a local run). */
export class ZipLimitError extends Error {}

/** What one input artifact may unpack to. */
export interface UnzipLimits {
  /** All entries together, in bytes. */
  totalBytes: number;
  /** One entry, in bytes. */
  entryBytes: number;
  entries: number;
}

const GiB = 1024 * 1024 * 1024;
export const DEFAULT_UNZIP_LIMITS: UnzipLimits = { totalBytes: 4 * GiB, entryBytes: 2 * GiB, entries: 200_000 };

/** The limits for a --max-artifact-size: the total, and each entry at most the total (and Node's largest buffer). */
export function unzipLimits(maxArtifactSize?: number): UnzipLimits {
  if (maxArtifactSize === undefined) return DEFAULT_UNZIP_LIMITS;
  return { ...DEFAULT_UNZIP_LIMITS, totalBytes: maxArtifactSize, entryBytes: Math.min(maxArtifactSize, DEFAULT_UNZIP_LIMITS.entryBytes) };
}

const n = (v: number) => v.toLocaleString('en-US');

/** Why an artifact is refused: what went over which limit (and what the archive claimed, when it claimed it). */
export function inflateLimitMessage(artifact: string, which: 'total' | 'entry', limit: number, entry?: string, claimed?: number): string {
  const what = which === 'total' ? `the input artifact ${artifact} expands to more than ${n(limit)} bytes` : `the entry '${entry}' of the input artifact ${artifact} expands to more than ${n(limit)} bytes`;
  const claim = claimed === undefined ? '' : ` (${which === 'total' ? 'its entries claim' : 'it claims'} ${n(claimed)} bytes)`;
  return `${what}${claim}, the limit of ${which === 'total' ? 'an artifact' : 'one file'} codepipeline-local extracts (--max-artifact-size): refusing to extract it`;
}

/** What the worker (unzipWorker.ts) is given: the zip, and the folder to extract into (none: return the entries). */
export interface UnzipJob {
  zip: ArrayBuffer;
  dir?: string;
  limits: UnzipLimits;
  /** How messages name the artifact, e.g. `'SourceOutput'`. */
  artifact: string;
}

export type UnzipReply =
  | { ok: true; files?: string[]; entries?: [string, Uint8Array][] }
  | { ok: false; kind: 'limit' | 'unsafe' | 'invalid'; message: string };

// The worker's own module: compiled JavaScript beside this one, or (tests, tsx) the TypeScript source,
// which a worker thread can only load through tsx's API (it inherits no loader from vitest or tsx).
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromSource ? './unzipWorker.ts' : './unzipWorker.js', import.meta.url);

function startWorker(workerData: UnzipJob, transferList: ArrayBuffer[]): Worker {
  if (!fromSource) return new Worker(WORKER_URL, { workerData, transferList });
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_URL.href)}, ${JSON.stringify(tsxApi)}))`;
  return new Worker(code, { eval: true, workerData, transferList });
}

/** Runs one unzip in a worker thread, so inflating never holds up the event loop; `signal` ends it early. */
function unzipInWorker(job: Omit<UnzipJob, 'zip'> & { zip: Uint8Array }, signal?: AbortSignal): Promise<UnzipReply & { ok: true }> {
  // A copy of exactly the zip's bytes (a Buffer may be a view on a larger pool), handed over without a second copy.
  const zip = new Uint8Array(job.zip).buffer;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const worker = startWorker({ ...job, zip }, [zip]);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => settle(() => (void worker.terminate(), reject(signal!.reason)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: UnzipReply) =>
      settle(() => {
        if (reply.ok) return resolve(reply);
        reject(reply.kind === 'limit' ? new ZipLimitError(reply.message) : reply.kind === 'unsafe' ? new UnsafeArchiveError(reply.message) : new Error(reply.message));
      }),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the unzip worker exited (code ${code}) without an answer`))));
  });
}

/**
 * Extracts a zip into `dir` off the event loop, within `limits`; an entry that would land outside the
 * folder is refused (UnsafeArchiveError), so is an artifact over a limit (ZipLimitError). Resolves
 * with the paths written.
 */
export async function extractZip(zip: Uint8Array, dir: string, opts: { artifact: string; limits?: UnzipLimits; signal?: AbortSignal }): Promise<string[]> {
  const reply = await unzipInWorker({ zip, dir, artifact: opts.artifact, limits: opts.limits ?? DEFAULT_UNZIP_LIMITS }, opts.signal);
  return reply.files ?? [];
}

/** The entries of a zip, by their (safe, relative) path, inflated off the event loop within `limits`. */
export async function readZipEntries(zip: Uint8Array, opts: { artifact: string; limits?: UnzipLimits; signal?: AbortSignal }): Promise<Map<string, Uint8Array>> {
  const reply = await unzipInWorker({ zip, artifact: opts.artifact, limits: opts.limits ?? DEFAULT_UNZIP_LIMITS }, opts.signal);
  return new Map(reply.entries ?? []);
}

/** Zips the files under `dir` (optionally only those matching `patterns`, relative to dir). */
export async function zipDirectory(dir: string, patterns: string[] = ['**/*']): Promise<Buffer> {
  const files = await tinyglobby().glob(patterns, { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: false });
  return zipFiles(files.sort().map((f) => ({ path: f, data: fs.readFileSync(path.join(dir, f)), mode: fs.statSync(path.join(dir, f)).mode })));
}

/** Zips in-memory files; `mode` keeps the executable bit (unix external attributes). */
export function zipFiles(files: { path: string; data: Uint8Array; mode?: number }[]): Buffer {
  const tree: Zippable = {};
  for (const f of files) tree[f.path.split(path.sep).join('/')] = [f.data, { os: 3, attrs: ((f.mode ?? 0o644) & 0o777) << 16 }];
  return Buffer.from(fflate().zipSync(tree, { level: 6 }));
}

/** The entries of a small zip, synchronously (tests, archives the emulator made itself): artifacts go through readZipEntries. */
export function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  const filter = (file: { name: string; originalSize: number }) => {
    total += file.originalSize;
    if (total > MAX_UNZIPPED_BYTES) throw new UnsafeArchiveError(`the zip unpacks to more than ${MAX_UNZIPPED_BYTES} bytes`);
    return true;
  };
  for (const [name, data] of Object.entries(fflate().unzipSync(zip, { filter }))) {
    if (name.endsWith('/')) continue;
    out.set(safeEntryPath(name), data);
  }
  return out;
}

/** A zip entry's name as a relative path; one that would leave the target folder (absolute, `..`) is refused. */
export function safeEntryPath(name: string): string {
  const normal = path.posix.normalize(name.replace(/\\/g, '/'));
  // NUL cannot name a file; `.` (e.g. `a/..`) names the target folder itself.
  if (normal.startsWith('/') || normal === '..' || normal === '.' || normal.startsWith('../') || /^[A-Za-z]:/.test(normal) || normal.includes('\0'))
    throw new UnsafeArchiveError(`zip entry '${name}' escapes the target folder`);
  return normal;
}
