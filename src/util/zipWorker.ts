// The body of a pooled worker thread (zipWorkers.ts): inflates one zip off the server's event loop,
// entry by entry as its central directory lists them, in small chunks, counting the bytes it really
// produces, so neither a slow archive nor a zip bomb can stall requests or fill memory or disk; or
// zips files from disk (a build's output artifact).
import { parentPort } from 'node:worker_threads';
import { runZipJob, UnsafeArchiveError, ZipLimitError } from './zipJobRun.js';
import type { UnzipJob, WorkerReply, ZipJob } from './zipJobs.js';

// One job at a time (see zipWorkers.ts), each answered with one message.
parentPort!.on('message', (job: UnzipJob | ZipJob) => {
  try {
    const reply = runZipJob(job);
    const transfer = reply.ok ? [...(reply.entries ?? []).map(([, d]) => d), ...(reply.zip ? [reply.zip] : [])].map((d) => d.buffer as ArrayBuffer) : [];
    parentPort!.postMessage(reply, transfer);
  } catch (e) {
    const kind = e instanceof ZipLimitError ? 'limit' : e instanceof UnsafeArchiveError ? 'unsafe' : 'invalid';
    parentPort!.postMessage({ ok: false, kind, message: (e as Error).message } satisfies WorkerReply);
  }
});
