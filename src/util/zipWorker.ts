// The body of a pooled worker thread (zipWorkers.ts): inflates one zip off the server's event loop, in
// small chunks, counting the bytes it really produces, so neither a slow archive nor a zip bomb can
// stall requests or fill memory or disk; or zips files from disk (a build's output artifact).
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { inflateLimitMessage, safeEntryPath, UnsafeArchiveError, ZipLimitError, zipBytes, type UnzipJob, type WorkerReply, type ZipJob } from './zip.js';

/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so one step yields at most ~16 MiB. */
const CHUNK = 16 * 1024;

function unzip(job: UnzipJob): WorkerReply {
  const { zip, dir, limits, artifact } = job;
  const bytes = new Uint8Array(zip);
  // The central directory first: what the entries claim, refused before anything is inflated.
  let claimed = 0;
  let count = 0;
  const declared = new Map<string, number>();
  try {
    unzipSync(bytes, {
      filter: (f) => {
        claimed += f.originalSize;
        count++;
        declared.set(f.name, Math.max(declared.get(f.name) ?? 0, f.originalSize));
        if (f.originalSize > limits.entryBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'entry', limits.entryBytes, f.name, f.originalSize));
        return false;
      },
    });
  } catch (e) {
    if (e instanceof ZipLimitError) throw e;
    throw new Error(`not a valid zip archive: ${(e as Error).message}`);
  }
  if (claimed > limits.totalBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'total', limits.totalBytes, undefined, claimed));
  if (count > limits.entries) throw new ZipLimitError(`the input artifact ${artifact} has ${count.toLocaleString('en-US')} entries, more than the ${limits.entries.toLocaleString('en-US')} codepipeline-local extracts`);

  // Then the entries themselves, counted as they inflate: declared sizes can lie.
  const root = dir === undefined ? undefined : path.resolve(dir);
  const files: string[] = [];
  const inMemory = new Map<string, Uint8Array>();
  let total = 0;
  let open: number | undefined;
  const stream = new Unzip((file) => {
    if (file.name.endsWith('/')) {
      file.ondata = () => {};
      file.start();
      return;
    }
    const name = safeEntryPath(file.name);
    let size = 0;
    const chunks: Uint8Array[] = [];
    // The central directory's claim (a streamed entry's local header may leave its size to a trailing descriptor).
    const claim = declared.get(file.name) ?? file.originalSize;
    if (root !== undefined) {
      const target = path.resolve(root, name);
      if (target !== root && !target.startsWith(root + path.sep)) throw new UnsafeArchiveError(`zip entry '${file.name}' escapes the target folder`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      open = fs.openSync(target, 'w');
    }
    const fd = open;
    file.ondata = (err, chunk, final) => {
      if (err) throw err;
      size += chunk.length;
      total += chunk.length;
      if (claim !== undefined && size > claim) throw new UnsafeArchiveError(`zip entry '${file.name}' inflates to more than the ${claim} bytes it declares`);
      if (size > limits.entryBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'entry', limits.entryBytes, file.name));
      if (total > limits.totalBytes) throw new ZipLimitError(inflateLimitMessage(artifact, 'total', limits.totalBytes));
      if (fd !== undefined) fs.writeSync(fd, chunk);
      else chunks.push(chunk);
      if (!final) return;
      if (fd !== undefined) {
        fs.closeSync(fd);
        open = undefined;
        files.push(name);
      } else inMemory.set(name, concat(chunks, size));
    };
    file.start();
  });
  stream.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) stream.push(bytes.subarray(at, at + CHUNK), at + CHUNK >= bytes.length);
  } finally {
    // A worker's descriptors are the process's: one left open on a refusal would outlive the worker.
    if (open !== undefined) fs.closeSync(open);
  }
  return root !== undefined ? { ok: true, files } : { ok: true, entries: [...inMemory] };
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
