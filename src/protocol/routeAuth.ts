// The emulator's own routes (/_logs, /_events, /_local) when signatures are verified: a request must be
// SigV4-signed like an API call, in an Authorization header or as a presigned URL (X-Amz-* query
// parameters: what a browser or EventSource can carry), with any key of the credentials file and any
// service in its scope. It then acts in its key's account only. /_health stays open (container health
// checks); CORS preflights are answered before this; webhooks keep their own authentication.
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate, rawRequest } from './apiAuth.js';
import type { KeyRing } from './credentials.js';
import { AwsError, err } from './errors.js';
import { errorResponse, newRequestId } from './json11.js';
import type { RawRequest } from './sigv4.js';

/** Paths under the emulator's own prefix that need no signature. */
const OPEN = new Set(['/_health', '/_console', '/_console/']);
/** The console's static files hold no data: open, so the page can say what it needs (its data calls are signed like any). */
const OPEN_PREFIXES = ['/_console/assets/', '/_console/vendor/'];

function rawOf(c: Context): RawRequest {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return rawRequest(incoming);
  const url = new URL(c.req.url);
  const headers: Record<string, string[]> = {};
  c.req.raw.headers.forEach((v, k) => (headers[k] = [v]));
  return { method: c.req.method, url: `${url.pathname}${url.search}`, headers };
}

export function requireSignature(keys: KeyRing): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (!path.startsWith('/_') || OPEN.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p)) || c.req.method === 'OPTIONS') return next();
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? new Uint8Array() : new Uint8Array(await c.req.arrayBuffer());
    try {
      const who = authenticate(keys, rawOf(c), body, undefined);
      const claimed = new URL(c.req.url).searchParams.get('account');
      if (claimed !== null && claimed !== who.account)
        throw err('AccessDeniedException', `The access key ${who.accessKeyId} acts in account ${who.account}, not ${claimed}`, 403);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      const r = errorResponse(e, newRequestId());
      return c.body(r.body, r.status as 403, { ...r.headers, 'content-type': 'application/json' });
    }
    return next();
  };
}
