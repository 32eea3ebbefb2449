// The live event stream: while a client is connected, the store is polled cheaply (one indexed query
// every POLL_MS) and new events are written as server-sent events. The engine knows nothing of it.
import type { SSEStreamingApi } from 'hono/streaming';
import type { Store } from '../store/index.js';
import { envelope } from './envelope.js';
import type { EventQuery } from './query.js';

export const POLL_MS = 200;
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
  let quiet = 0;
  // One abort listener for the stream's life ends whichever pause is current when the client leaves.
  let wake = () => {};
  stream.onAbort(() => wake());
  const pause = () =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, POLL_MS);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  while (!stream.aborted) {
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
    if (batch.length) quiet = 0;
    else if ((quiet += POLL_MS) >= HEARTBEAT_MS) {
      quiet = 0;
      await stream.write(': keep-alive\n\n');
    }
    // A full batch means more are waiting: read on without pausing.
    if (batch.length < q.limit && !stream.aborted) await pause();
  }
}
