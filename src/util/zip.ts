// Zip archives for pipeline artifacts (fflate): a folder into a zip, and a zip into a folder
// without ever writing outside it.
import fs from 'node:fs';
import path from 'node:path';
import { lazyRequire } from './lazyRequire.js';
import type { UnzipJob, UnzipLimits, WorkerReply, ZipJob } from './zipJobs.js';
import { runInWorker } from './zipWorkers.js';
import { readZipIndex } from './zipIndex.js';
import { runZipJob, safeEntryPath, UnsafeArchiveError, ZipLimitError, zipBytes } from './zipJobRun.js';

export type { UnzipJob, UnzipLimits, WorkerReply, ZipJob } from './zipJobs.js';
export { inflateLimitMessage, safeEntryPath, UnsafeArchiveError, ZipLimitError, zipBytes } from './zipJobRun.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');
const tinyglobby = lazyRequire<typeof import('tinyglobby')>('tinyglobby');

/** Largest total the synchronous readZip unpacks (its entries' declared sizes; fflate never inflates past them). For tests and small archives only. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

const GiB = 1024 * 1024 * 1024;
export const DEFAULT_UNZIP_LIMITS: UnzipLimits = { totalBytes: 4 * GiB, entryBytes: 2 * GiB, entries: 200_000 };

/** The limits for a --max-artifact-size: the total, and each entry at most the total (and Node's largest buffer). */
export function unzipLimits(maxArtifactSize?: number): UnzipLimits {
  if (maxArtifactSize === undefined) return DEFAULT_UNZIP_LIMITS;
  return { ...DEFAULT_UNZIP_LIMITS, totalBytes: maxArtifactSize, entryBytes: Math.min(maxArtifactSize, DEFAULT_UNZIP_LIMITS.entryBytes) };
}

/** Runs a job on a pooled worker thread; a refusal comes back as the error it was in the worker. */
async function inWorker(job: UnzipJob | ZipJob, transferList: ArrayBuffer[], signal?: AbortSignal): Promise<WorkerReply & { ok: true }> {
  const reply = await runInWorker(job, transferList, signal);
  if (reply.ok) return reply;
  throw reply.kind === 'limit' ? new ZipLimitError(reply.message) : reply.kind === 'unsafe' ? new UnsafeArchiveError(reply.message) : new Error(reply.message);
}

/**
 * Archives this small are unzipped on the event loop: the job takes well under a millisecond, less
 * than the round trip to a worker thread (a message each way and the worker's wake-up, several
 * milliseconds on a busy machine). The entries' claimed sizes bound what is inflated (zipJobRun.ts),
 * so a small archive that claims a lot still goes to a worker; so does one with many files to write.
 */
const INLINE = { zipBytes: 64 * 1024, claimedBytes: 1024 * 1024, filesToWrite: 16 };

function inlineable(zip: Uint8Array, toDisk: boolean): boolean {
  if (zip.byteLength > INLINE.zipBytes) return false;
  try {
    const index = readZipIndex(zip);
    return index.reduce((sum, e) => sum + e.size, 0) <= INLINE.claimedBytes && (!toDisk || index.length <= INLINE.filesToWrite);
  } catch {
    // Not a readable archive: the job itself reports why, the same way wherever it runs.
    return true;
  }
}

function unzipInWorker(job: Omit<UnzipJob, 'zip' | 'kind'> & { zip: Uint8Array }, signal?: AbortSignal) {
  if (inlineable(job.zip, job.dir !== undefined)) {
    signal?.throwIfAborted();
    const zip = job.zip.buffer.slice(job.zip.byteOffset, job.zip.byteOffset + job.zip.byteLength) as ArrayBuffer;
    return Promise.resolve().then(() => runZipJob({ ...job, kind: 'unzip', zip }));
  }
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

