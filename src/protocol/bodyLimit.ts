// Bounded request bodies for the emulator's own routes (webhooks, /_local): a body over the limit is
// answered 413 RequestEntityTooLargeException (JSON, as the API answers it) before it is read into
// memory, from Content-Length when it is announced, else as soon as the streamed body passes the limit.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { err } from './errors.js';
import { errorResponse, newRequestId } from './router.js';

/** Largest body of a webhook POST or a /_local request. */
export const MAX_ROUTE_BODY_BYTES = 5 * 1024 * 1024;

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
