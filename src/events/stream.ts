// The live event stream: the store tells the stream when an event of its pipeline is recorded, and the
// stream then reads the new events (one indexed query) and writes them as server-sent events.
import type { SSEStreamingApi } from 'hono/streaming';
import type { Store } from '../store/index.js';
import { envelope } from './envelope.js';
import type { EventQuery } from './query.js';

/** A comment line now and then, so proxies keep the connection and a vanished client is noticed. */
const HEARTBEAT_MS = 15_000;

let open = 0;
/** Streams currently being served (for tests and diagnostics). */
export const openStreamCount = () => open;

export async function pumpEvents(stream: SSEStreamingApi, store: Store, q: EventQuery) {
  open++;
  try {
    await pump(stream, store, q);
  } finally {
    open--;
  }
}

async function pump(stream: SSEStreamingApi, store: Store, q: EventQuery) {
  let after = q.after;
  let pending = false;
  // Wakes the current pause: on a new event of this pipeline, or when the client leaves.
  let wake = () => {};
  const unsubscribe = store.events.subscribe((e) => {
    if (e.account !== q.scope.account || e.region !== q.scope.region || e.pipeline !== q.pipeline) return;
    pending = true;
    // The event is recorded inside a transaction: read it once the current task has committed it.
    setImmediate(() => wake());
  });
  stream.onAbort(() => wake());
  // A first line at once: the client sees the stream open (and its headers) before any event comes.
  await stream.write(': open\n\n');
  /** Resolves true when woken (event or client gone), false after a heartbeat interval of silence. */
  const pause = () =>
    new Promise<boolean>((resolve) => {
      if (pending) return resolve(true);
      const t = setTimeout(() => resolve(false), HEARTBEAT_MS);
      wake = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  try {
    while (!stream.aborted) {
      pending = false;
      let batch;
      try {
        // The pipeline was deleted, or the store closed under us (shutdown): the stream ends.
        if (!store.pipelines.get(q.scope, q.pipeline)) return;
        batch = store.events.list(q.scope, q.pipeline, after, q.limit);
      } catch {
        return;
      }
      for (const e of batch) {
        await stream.writeSSE({ id: String(e.seq), data: JSON.stringify(envelope(e)) });
        after = e.seq;
      }
      // A full batch means more are waiting: read on without pausing.
      if (batch.length === q.limit || stream.aborted) continue;
      if (!(await pause()) && !stream.aborted) await stream.write(': keep-alive\n\n');
    }
  } finally {
    unsubscribe();
  }
}
