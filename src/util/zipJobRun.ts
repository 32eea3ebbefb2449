// What one zip job does (zipJobs.ts): inflate a zip entry by entry as its central directory lists
// them, in small chunks, counting the bytes it really produces, so that neither a zip bomb nor a
// lying archive fills memory or disk; or zip files read from disk. A pooled worker thread
// (zipWorker.ts) runs large jobs off the event loop; zip.ts runs small ones inline, where a round trip
// to a worker would cost more than the job. Also the errors and helpers both sides share.
import fs from 'node:fs';
import path from 'node:path';
import type { Zippable } from 'fflate';
import { lazyRequire } from './lazyRequire.js';
import { readZipIndex, type ZipIndexEntry } from './zipIndex.js';
import type { UnzipJob, WorkerReply, ZipJob } from './zipJobs.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');
const zlib = lazyRequire<typeof import('node:zlib')>('node:zlib');

export class UnsafeArchiveError extends Error {}

/** An input artifact too large to extract (a zip bomb, or simply too big for a local run). */
export class ZipLimitError extends Error {}

const n = (v: number) => v.toLocaleString('en-US');

/** Why an artifact is refused: what went over which limit (and what the archive claimed, when it claimed it). */
export function inflateLimitMessage(artifact: string, which: 'total' | 'entry', limit: number, entry?: string, claimed?: number): string {
  const what = which === 'total' ? `the input artifact ${artifact} expands to more than ${n(limit)} bytes` : `the entry '${entry}' of the input artifact ${artifact} expands to more than ${n(limit)} bytes`;
  const claim = claimed === undefined ? '' : ` (${which === 'total' ? 'its entries claim' : 'it claims'} ${n(claimed)} bytes)`;
  return `${what}${claim}, the limit of ${which === 'total' ? 'an artifact' : 'one file'} codepipeline-local extracts (--max-artifact-size): refusing to extract it`;
}

/** The zip as fflate makes it (its own buffer, so a worker can hand it over). */
export function zipBytes(files: { path: string; data: Uint8Array; mode?: number }[]): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) tree[f.path.split(path.sep).join('/')] = [f.data, { os: 3, attrs: ((f.mode ?? 0o644) & 0o777) << 16 }];
  return fflate().zipSync(tree, { level: 6 });
}

/** A zip entry's name as a relative path; one that would leave the target folder (absolute, `..`) is refused. */
export function safeEntryPath(name: string): string {
  const normal = path.posix.normalize(name.replace(/\\/g, '/'));
  // NUL cannot name a file; `.` (e.g. `a/..`) names the target folder itself.
  if (normal.startsWith('/') || normal === '..' || normal === '.' || normal.startsWith('../') || /^[A-Za-z]:/.test(normal) || normal.includes('\0'))
    throw new UnsafeArchiveError(`zip entry '${name}' escapes the target folder`);
  return normal;
}

/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so one step yields at most ~16 MiB. */
const CHUNK = 16 * 1024;

/**
 * Entries that declare at most this many bytes inflate in one call to zlib, which stops at the
 * declared size (maxOutputLength): fflate's streaming inflater sets up a 128 KiB buffer per entry,
 * ~0.1 ms for even a tiny file (the bench's 5-stage pipeline unzips its 3-file source artifact three
 * times: ~1.2 ms of every execution, ~0.15 ms now).
 */
const ONE_SHOT_BYTES = 1024 * 1024;

/**
 * A small entry inflated at once, no more than `size` bytes; undefined when zlib finds the data
 * damaged (the streaming inflater then says why, in the words it always has).
 */
function inflateOneShot(data: Uint8Array, size: number, name: string): Uint8Array | undefined {
  try {
    return zlib().inflateRawSync(data, { maxOutputLength: size });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new UnsafeArchiveError(`zip entry '${name}' inflates to more than the ${size} bytes it declares`);
    return undefined;
  }
}

function unzip(job: UnzipJob): WorkerReply & { ok: true } {
  const { zip, dir, limits, artifact } = job;
  const bytes = new Uint8Array(zip);
  // The central directory first: every name checked and what the entries claim refused before anything is written.
  let index: ZipIndexEntry[];
  try {
    index = readZipIndex(bytes);
  } catch (e) {
    throw new Error(`not a valid zip archive: ${(e as Error).message}`);
  }
  if (index.length > limits.entries)
    throw new ZipLimitError(`the input artifact ${artifact} has ${index.length.toLocaleString('en-US')} entries, more than the ${limits.entries.toLocaleString('en-US')} codepipeline-local extracts`);
  const files = index.filter((e) => !e.name.endsWith('/')).map((e) => ({ ...e, path: safeEntryPath(e.name) }));
  for (const f of files) if (f.size > limits.entryBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'entry', limits.entryBytes, f.name, f.size));
  const claimed = files.reduce((sum, f) => sum + f.size, 0);
  if (claimed > limits.totalBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'total', limits.totalBytes, undefined, claimed));
  const root = dir === undefined ? undefined : path.resolve(dir);
  const targets = files.map((f) => {
    if (root === undefined) return undefined;
    const target = path.resolve(root, f.path);
    if (target !== root && !target.startsWith(root + path.sep)) throw new UnsafeArchiveError(`zip entry '${f.name}' escapes the target folder`);
    return target;
  });

  // Then the entries themselves, counted as they inflate: declared sizes can lie.
  const written: string[] = [];
  const inMemory = new Map<string, Uint8Array>();
  let total = 0;
  let open: number | undefined;
  try {
    for (const [i, f] of files.entries()) {
      const target = targets[i];
      if (target !== undefined) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        open = fs.openSync(target, 'w');
      }
      const fd = open;
      const chunks: Uint8Array[] = [];
      let size = 0;
      const take = (chunk: Uint8Array) => {
        if (job.cancel && Atomics.load(job.cancel, 0)) throw new Error('extraction cancelled');
        size += chunk.length;
        total += chunk.length;
        if (size > f.size) throw new UnsafeArchiveError(`zip entry '${f.name}' inflates to more than the ${f.size} bytes it declares`);
        if (total > limits.totalBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'total', limits.totalBytes));
        if (fd !== undefined) fs.writeSync(fd, chunk);
        else chunks.push(chunk);
      };
      const data = bytes.subarray(f.dataStart, f.dataStart + f.compressedSize);
      if (f.method === 0) for (let at = 0; at < data.length; at += CHUNK) take(data.subarray(at, at + CHUNK));
      else if (data.length) {
        const whole = f.size > 0 && f.size <= ONE_SHOT_BYTES ? inflateOneShot(data, f.size, f.name) : undefined;
        if (whole) take(whole);
        else {
          const inflater = new (fflate().Inflate)((chunk) => take(chunk));
          for (let at = 0; at < data.length; at += CHUNK) inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
        }
      }
      if (fd !== undefined) {
        fs.closeSync(fd);
        open = undefined;
        written.push(f.path);
      } else inMemory.set(f.path, concat(chunks, size));
    }
  } finally {
    // A pooled worker lives on: a descriptor left open on a refusal (or a cancel) would leak.
    if (open !== undefined) fs.closeSync(open);
  }
  return root !== undefined ? { ok: true, files: written } : { ok: true, entries: [...inMemory] };
}

/** One buffer of its own per entry (never a shared pool), so each can be transferred back. */
function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function zip(job: ZipJob): WorkerReply & { ok: true } {
  return { ok: true, zip: zipBytes(job.files.map((f) => ({ path: f.path, data: fs.readFileSync(f.file), mode: f.mode }))) };
}

/** Runs one job; a refusal throws (ZipLimitError, UnsafeArchiveError, or an Error for an invalid archive). */
export function runZipJob(job: UnzipJob | ZipJob): WorkerReply & { ok: true } {
  return job.kind === 'zip' ? zip(job) : unzip(job);
}
