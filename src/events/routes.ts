// HTTP routes for the recorded state-change events (not part of the AWS API):
//   GET /_events?pipeline=NAME&after=SEQ&limit=N  -> {events: [EventBridge envelopes], nextAfter}
//   GET /_events/stream?pipeline=NAME&after=SEQ   -> text/event-stream, `id: seq` per event; from Last-Event-ID or
//                                                    after= when given, else only events still to come
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AwsError } from '../protocol/errors.js';
import { errorResponse, newRequestId } from '../protocol/json11.js';
import type { AppDeps } from '../appDeps.js';
import { envelope } from './envelope.js';
import { parseEventQuery, type EventQuery } from './query.js';
import { pumpEvents } from './stream.js';

function withQuery(deps: AppDeps, c: Context, stream: boolean, answer: (q: EventQuery) => Response | Promise<Response>) {
  let q: EventQuery;
  try {
    q = parseEventQuery(deps, new URL(c.req.url), c.req.header('authorization'), stream, stream ? c.req.header('last-event-id') : undefined);
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    const r = errorResponse(e, newRequestId());
    return c.body(r.body, r.status as 400, { ...r.headers, 'content-type': 'application/json' });
  }
  return answer(q);
}

export function registerEventRoutes(app: Hono, deps: AppDeps) {
  app.get('/_events', (c) =>
    withQuery(deps, c, false, (q) => {
      const events = deps.store.events.list(q.scope, q.pipeline, q.after, q.limit);
      return c.json({ events: events.map(envelope), nextAfter: events.length ? events[events.length - 1].seq : q.after });
    }),
  );

  app.get('/_events/stream', (c) => withQuery(deps, c, true, (q) => streamSSE(c, (stream) => pumpEvents(stream, deps.store, q))));
}
