// A few long-lived worker threads (zipWorker.ts) that (de)compress artifacts off the event loop.
// Reused, because starting one costs far more than a small job; unreferenced while idle, so they
// never keep the process alive.
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { UnzipJob, WorkerReply, ZipJob } from './zipJobs.js';

// The worker's own module, beside this one: tsc's zipWorker.js; in the bundle (dist/cli.cjs, where
// import.meta.url is the bundle's), its own bundle dist/zipWorker.cjs (scripts/bundle.ts); or (tests,
// tsx) the TypeScript source, which a worker thread can only load through tsx's API (it inherits no
// loader from vitest or tsx).
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromSource ? './zipWorker.ts' : import.meta.url.endsWith('.cjs') ? './zipWorker.cjs' : './zipWorker.js', import.meta.url);

function spawn(): Worker {
  if (!fromSource) return new Worker(WORKER_URL);
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_URL.href)}, ${JSON.stringify(tsxApi)}))`, { eval: true });
}

function startWorker(): Worker {
  const w = spawn();
  // A worker that dies while idle (out of memory...) must neither crash the server nor hold its place.
  w.on('error', () => {});
  w.on('exit', () => {
    const i = idle.indexOf(w);
    if (i < 0) return;
    idle.splice(i, 1);
    live--;
  });
  return w;
}

/** At least two, so one large artifact does not queue every other action behind it. */
const SIZE = Math.min(4, Math.max(2, os.availableParallelism() - 1));
const idle: Worker[] = [];
const waiting: ((w: Worker) => void)[] = [];
let live = 0;

function acquire(): Promise<Worker> {
  const w = idle.pop();
  if (w) return Promise.resolve(w);
  if (live < SIZE) {
    live++;
    return Promise.resolve(startWorker());
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(w: Worker) {
  const next = waiting.shift();
  if (next) return next(w);
  w.unref();
  idle.push(w);
}

/** A worker that failed or was terminated: its place goes to the next job waiting, with a fresh worker. */
function discard(w: Worker) {
  void w.terminate();
  live--;
  const next = waiting.shift();
  if (next) {
    live++;
    next(startWorker());
  }
}

/**
 * Runs one job on a pooled worker. `signal` answers the caller at once and tells the worker to stop
 * at its next chunk (through shared memory: its loop never yields to messages); it closes what it has
 * open and stays in the pool, instead of being terminated and replaced.
 */
export async function runInWorker(job: UnzipJob | ZipJob, transferList: ArrayBuffer[], signal?: AbortSignal): Promise<WorkerReply> {
  signal?.throwIfAborted();
  const worker = await acquire();
  if (signal?.aborted) {
    release(worker);
    throw signal.reason;
  }
  worker.ref();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  return new Promise((resolve, reject) => {
    const done = () => worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    const onMessage = (reply: WorkerReply) => {
      done();
      signal?.removeEventListener('abort', onAbort);
      release(worker);
      resolve(reply);
    };
    const onError = (e: Error) => {
      done();
      signal?.removeEventListener('abort', onAbort);
      discard(worker);
      reject(e);
    };
    const onExit = (code: number) => onError(new Error(`the zip worker exited (code ${code}) without an answer`));
    const onAbort = () => {
      Atomics.store(cancel, 0, 1);
      // The worker goes back to the pool once it has stopped (its answer is no longer wanted).
      reject(signal!.reason);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ ...job, cancel }, transferList);
  });
}
