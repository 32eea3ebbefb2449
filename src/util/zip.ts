// Zip archives for pipeline artifacts (fflate): a folder into a zip, and a zip into a folder
// without ever writing outside it.
import fs from 'node:fs';
import path from 'node:path';
import type { Zippable } from 'fflate';
import { lazyRequire } from './lazyRequire.js';
import type { UnzipJob, UnzipLimits, WorkerReply, ZipJob } from './zipJobs.js';
import { runInWorker } from './zipWorkers.js';

export type { UnzipJob, UnzipLimits, WorkerReply, ZipJob } from './zipJobs.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');
const tinyglobby = lazyRequire<typeof import('tinyglobby')>('tinyglobby');

export class UnsafeArchiveError extends Error {}

/** Largest total the synchronous readZip unpacks (its entries' declared sizes; fflate never inflates past them). For tests and small archives only. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

/** An input artifact too large to extract (a zip bomb, or simply too big for a local run). */
export class ZipLimitError extends Error {}

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

/** Runs a job on a pooled worker thread; a refusal comes back as the error it was in the worker. */
async function inWorker(job: UnzipJob | ZipJob, transferList: ArrayBuffer[], signal?: AbortSignal): Promise<WorkerReply & { ok: true }> {
  const reply = await runInWorker(job, transferList, signal);
  if (reply.ok) return reply;
  throw reply.kind === 'limit' ? new ZipLimitError(reply.message) : reply.kind === 'unsafe' ? new UnsafeArchiveError(reply.message) : new Error(reply.message);
}

function unzipInWorker(job: Omit<UnzipJob, 'zip' | 'kind'> & { zip: Uint8Array }, signal?: AbortSignal) {
  // A copy of exactly the zip's bytes (a Buffer may be a view on a larger pool), handed over without a second copy.
  const zip = new Uint8Array(job.zip).buffer;
  return inWorker({ ...job, kind: 'unzip', zip }, [zip], signal);
}

/** Zips files read from disk, off the event loop (build output artifacts can be large). */
export async function zipFilesFromDisk(files: ZipJob['files']): Promise<Buffer> {
  const reply = await inWorker({ kind: 'zip', files }, []);
  return Buffer.from(reply.zip!.buffer, reply.zip!.byteOffset, reply.zip!.byteLength);
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
  const zip = zipBytes(files);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

/** The zip as fflate makes it (its own buffer, so a worker can hand it over). */
export function zipBytes(files: { path: string; data: Uint8Array; mode?: number }[]): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) tree[f.path.split(path.sep).join('/')] = [f.data, { os: 3, attrs: ((f.mode ?? 0o644) & 0o777) << 16 }];
  return fflate().zipSync(tree, { level: 6 });
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
