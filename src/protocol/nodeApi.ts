// The CodePipeline API (POST /) served straight from node:http: the hot path skips the
// Request/Response conversion of the web-standard adapter, which cost a third of each call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from '../services/codepipeline/context.js';
import { authenticate, presignUrl, rawRequest, SERVICE } from './apiAuth.js';
import { callerFrom } from './auth.js';
import type { KeyRing } from './credentials.js';
import { err } from './errors.js';
import { dispatch, errorResponse, newRequestId, type WireResponse } from './router.js';

/** Largest CodePipeline request body accepted; larger ones get 413. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** `baseUrl` is the emulator's public URL (webhook and log URLs), never the request's Host. */
export type ApiDeps = Omit<Ctx, 'account' | 'region' | 'requestId' | 'signUrl'> & {
  /** The accepted access keys, when signatures are verified (--credentials). */
  keys?: KeyRing;
};

/** How long a log link in an API answer stays valid when signatures are verified. */
export const SIGNED_LINK_SECONDS = 3600;

export const isApiRequest = (req: IncomingMessage) => req.method === 'POST' && (req.url === '/' || req.url?.startsWith('/?') === true);

function send(res: ServerResponse, r: WireResponse, extra: Record<string, string> = {}) {
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body), ...extra });
  res.end(r.body);
}

/**
 * A request the guard refused (requestGuard.ts): the API's JSON error, 403; the emulator's own routes
 * (webhooks, /_local, /_logs, /_events) answer the same body as application/json.
 */
export function refuseApiRequest(res: ServerResponse, message: string, contentType?: 'application/json') {
  send(res, errorResponse(err('AccessDeniedException', message, 403), newRequestId()), { connection: 'close', ...(contentType && { 'content-type': contentType }) });
}

export function handleApiRequest(deps: ApiDeps, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  let size = 0;
  let rejected = false;
  req.on('data', (chunk: Buffer) => {
    if (rejected) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      rejected = true;
      // The client may still be sending: close the connection rather than reuse a half-read one.
      send(res, errorResponse(err('RequestEntityTooLargeException', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413), newRequestId()), {
        connection: 'close',
      });
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (rejected) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const caller = callerFrom(req.headers.authorization, url.searchParams, deps.config.defaultRegion, deps.keys);
    const target = req.headers['x-amz-target'];
    const body = Buffer.concat(chunks);
    const { keys } = deps;
    // Verified: the key's account (checked, with the signature, once the operation is known).
    const owner = keys?.get(caller.accessKeyId);
    const check = keys && (() => void authenticate(keys, rawRequest(req), body, SERVICE));
    dispatch(
      typeof target === 'string' ? target : undefined,
      body.toString('utf8'),
      {
        ...deps,
        account: caller.account,
        region: caller.region,
        requestId: newRequestId(),
        ...(owner && {
          signUrl: (link: string) =>
            presignUrl(link, { accessKeyId: caller.accessKeyId!, secretAccessKey: owner.secretAccessKey }, caller.region, SIGNED_LINK_SECONDS),
        }),
      },
      check,
    ).then((r) => send(res, r));
  });
}
