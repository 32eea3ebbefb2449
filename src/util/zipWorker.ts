// The body of a pooled worker thread (zipWorkers.ts): inflates one zip off the server's event loop,
// entry by entry as its central directory lists them, in small chunks, counting the bytes it really
// produces, so neither a slow archive nor a zip bomb can stall requests or fill memory or disk; or
// zips files from disk (a build's output artifact).
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Inflate } from 'fflate';
import { readZipIndex, type ZipIndexEntry } from './zipIndex.js';
import { inflateLimitMessage, safeEntryPath, UnsafeArchiveError, ZipLimitError, zipBytes, type UnzipJob, type WorkerReply, type ZipJob } from './zip.js';

/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so one step yields at most ~16 MiB. */
const CHUNK = 16 * 1024;

function unzip(job: UnzipJob): WorkerReply {
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
        const inflater = new Inflate((chunk) => take(chunk));
        for (let at = 0; at < data.length; at += CHUNK) inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
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

function zip(job: ZipJob): WorkerReply {
  return { ok: true, zip: zipBytes(job.files.map((f) => ({ path: f.path, data: fs.readFileSync(f.file), mode: f.mode }))) };
}

// One job at a time (see zipWorkers.ts), each answered with one message.
parentPort!.on('message', (job: UnzipJob | ZipJob) => {
  try {
    const reply = job.kind === 'zip' ? zip(job) : unzip(job);
    const transfer = reply.ok ? [...(reply.entries ?? []).map(([, d]) => d), ...(reply.zip ? [reply.zip] : [])].map((d) => d.buffer as ArrayBuffer) : [];
    parentPort!.postMessage(reply, transfer);
  } catch (e) {
    const kind = e instanceof ZipLimitError ? 'limit' : e instanceof UnsafeArchiveError ? 'unsafe' : 'invalid';
    parentPort!.postMessage({ ok: false, kind, message: (e as Error).message } satisfies WorkerReply);
  }
});
