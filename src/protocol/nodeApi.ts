// The API protocols (JSON 1.1, query) served straight from node:http: the hot path skips the
// Request/Response conversion of the web-standard adapter, which cost a third of each call. Which
// service answers is decided by the router (src/router.ts); this reads the body, names the caller from
// the credential scope and hands the request to the protocol's dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/log.js';
import { authenticate, presignUrl, rawRequest } from './apiAuth.js';
import { callerOf } from './auth.js';
import { MAX_API_BODY_BYTES, readBody } from './bodyLimit.js';
import type { KeyRing } from './credentials.js';
import { err, queryErr } from './errors.js';
import { dispatch, errorResponse, newRequestId, type Call, type JsonService, type WireResponse } from './json11.js';
import { dispatchQuery, queryErrorResponse, type QueryService } from './query.js';
import type { CredentialScope } from './sigv4.js';

/** What the API protocols need of the shared dependencies. */
export interface ProtocolDeps {
  config: { defaultRegion: string };
  log: Logger;
  /** The accepted access keys, when signatures are verified (--credentials). */
  keys?: KeyRing;
}

/** How long a log link in an API answer stays valid when signatures are verified. */
export const SIGNED_LINK_SECONDS = 3600;

export function send(res: ServerResponse, r: WireResponse, extra?: Record<string, string>) {
  // A flat [name, value, ...] list: node:http takes it without building and walking a header object.
  const headers: (string | number)[] = [];
  for (const k in r.headers) if (!extra || !(k in extra)) headers.push(k, r.headers[k]);
  headers.push('content-length', typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length);
  if (extra) for (const k in extra) headers.push(k, extra[k]);
  res.writeHead(r.status, headers as unknown as string[]);
  res.end(r.body);
}

/** Sends a dispatch's answer: at once when it is one (a read answered from the cache), else when it settles. */
const sendWhenReady = (res: ServerResponse, r: WireResponse | Promise<WireResponse>) => (r instanceof Promise ? void r.then((x) => send(res, x)) : send(res, r));

/**
 * A request the guard refused (requestGuard.ts): the API's JSON error, 403; the emulator's own routes
 * (webhooks, /_local, /_logs, /_events) answer the same body as application/json.
 */
export function refuseApiRequest(res: ServerResponse, message: string, contentType?: 'application/json') {
  send(res, errorResponse(err('AccessDeniedException', message, 403), newRequestId()), { connection: 'close', ...(contentType && { 'content-type': contentType }) });
}

/** A query-protocol request the guard refused: the XML ErrorResponse, 403. */
export function refuseQueryRequest(res: ServerResponse, message: string) {
  send(res, queryErrorResponse(queryErr('AccessDenied', message, 403), newRequestId()), { connection: 'close' });
}

/** Reads an API request's body within the limit; a larger one is answered 413 in the protocol's shape. */
export function readApiBody(req: IncomingMessage, res: ServerResponse, protocol: 'json' | 'query', done: (body: Buffer) => void) {
  req.on('error', () => res.destroy());
  readBody(req, MAX_API_BODY_BYTES, done, () => {
    const message = `Request body exceeds the limit of ${MAX_API_BODY_BYTES} bytes`;
    const e = protocol === 'json' ? err('RequestEntityTooLargeException', message, 413) : queryErr('RequestEntityTooLarge', message, 413);
    // The client may still be sending: close the connection rather than reuse a half-read one.
    send(res, protocol === 'json' ? errorResponse(e, newRequestId()) : queryErrorResponse(e, newRequestId()), { connection: 'close' });
  });
}

/** Serves one JSON 1.1 request (its body read) for `service`. */
export function serveJson<D extends ProtocolDeps>(service: JsonService<D>, deps: D, req: IncomingMessage, res: ServerResponse, scope: CredentialScope | undefined, body: Buffer) {
  const caller = callerOf(scope, deps.config.defaultRegion, deps.keys);
  const target = req.headers['x-amz-target'];
  const { keys } = deps;
  // Verified: the key's account (checked, with the signature, once the operation is known).
  const owner = keys?.get(caller.accessKeyId);
  const check = keys && (() => void authenticate(keys, rawRequest(req), body, service.signingName));
  const call: Call = { account: caller.account, region: caller.region, requestId: newRequestId() };
  if (owner) call.signUrl = (link: string) => presignUrl(link, { accessKeyId: caller.accessKeyId!, secretAccessKey: owner.secretAccessKey }, caller.region, SIGNED_LINK_SECONDS);
  const answer = dispatch(service, {
    target: typeof target === 'string' ? target : undefined,
    rawBody: body.toString('utf8'),
    deps,
    defaultRegion: deps.config.defaultRegion,
    log: deps.log,
    authenticate: check,
    call,
  });
  sendWhenReady(res, answer);
}

/** The call a query request makes: its credential scope names the caller (verified: the key's account), with its session token if any. */
function queryCallOf(deps: ProtocolDeps, scope: CredentialScope | undefined, req: IncomingMessage, params: URLSearchParams): Call {
  const caller = callerOf(scope, deps.config.defaultRegion, deps.keys);
  const token = req.headers['x-amz-security-token'] ?? params.get('X-Amz-Security-Token') ?? undefined;
  return {
    account: caller.account,
    region: caller.region,
    requestId: newRequestId(),
    ...(caller.accessKeyId !== undefined && { accessKeyId: caller.accessKeyId }),
    ...(typeof token === 'string' && { sessionToken: token }),
  };
}

/** Serves one query-protocol request (its parameters read) for `service`. */
export function serveQuery<D extends ProtocolDeps>(service: QueryService<D>, deps: D, req: IncomingMessage, res: ServerResponse, scope: CredentialScope | undefined, params: URLSearchParams, body: Buffer) {
  const { keys } = deps;
  dispatchQuery(service, {
    params,
    deps,
    defaultRegion: deps.config.defaultRegion,
    log: deps.log,
    authenticate: keys && (() => void authenticate(keys, rawRequest(req), body, service.signingName)),
    call: queryCallOf(deps, scope, req, params),
  }).then((r) => send(res, r));
}
