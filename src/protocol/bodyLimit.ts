// Bounded request bodies, the one place that reads them: every body read into memory has a limit, and
// one over it is refused before it is read when its length is announced, else as soon as the streamed
// bytes pass it. The API and query-protocol requests (readBody, from node:http), the emulator's own
// routes (limitBody, Hono middleware) and S3's request documents (readLimited, an async body) use it;
// each answers in its own protocol's shape.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { err } from './errors.js';
import { errorResponse, newRequestId } from './json11.js';

/** Largest body of an API request (JSON 1.1 or query protocol). */
export const MAX_API_BODY_BYTES = 2 * 1024 * 1024;
/** Largest body of a webhook POST or a /_local request. */
export const MAX_ROUTE_BODY_BYTES = 5 * 1024 * 1024;

/** The length a request announces, when it announces one. */
export function announcedLength(req: IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  return v !== undefined && /^\d{1,16}$/.test(v) ? Number(v) : undefined;
}

/**
 * Reads a node:http request body of at most `limit` bytes: `done(body)`, or `tooLarge()` once it is
 * known to be over (announced or streamed), the rest then read and dropped so the answer reaches a
 * client that is still sending.
 */
export function readBody(req: IncomingMessage, limit: number, done: (body: Buffer) => void, tooLarge: () => void): void {
  const announced = announcedLength(req);
  if (announced !== undefined && announced > limit) {
    tooLarge();
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let rejected = false;
  req.on('data', (chunk: Buffer) => {
    if (rejected) return;
    size += chunk.length;
    if (size > limit) {
      rejected = true;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!rejected) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
}

/** An async body (e.g. decoded aws-chunked) of at most `limit` bytes; throws what `tooLarge` builds once it is over. */
export async function readLimited(source: AsyncIterable<Uint8Array>, limit: number, announced: number | undefined, tooLarge: () => Error): Promise<Buffer> {
  if (announced !== undefined && announced > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    size += c.length;
    if (size > limit) throw tooLarge();
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

/** The emulator's own routes (Hono): 413 RequestEntityTooLargeException, JSON as the API answers it. */
export function limitBody(maxSize = MAX_ROUTE_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      const r = errorResponse(err('RequestEntityTooLargeException', `The request body exceeds the limit of ${maxSize} bytes`, 413), newRequestId());
      // The client may still be sending: close the connection rather than read the rest.
      return c.body(r.body, 413, { ...r.headers, 'content-type': 'application/json', connection: 'close' });
    },
  });
}
