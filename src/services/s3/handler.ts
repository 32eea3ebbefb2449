// The S3 wire protocol (REST, path-style: /bucket/key), served straight from node:http on the
// emulator's port: parses the request, authenticates it, picks the operation (./operations/index.ts)
// and answers what it throws. Signatures are verified only when access keys are configured (./auth.ts);
// otherwise the credential scope only names the caller's account (a 12-digit access key id) and region.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerFrom, validRegion } from '../../protocol/auth.js';
import { authenticateS3 } from './auth.js';
import { S3Error, s3err } from './errors.js';
import { pickOperation } from './operations/index.js';
import { decode, type S3Deps, type S3Request } from './request.js';
import { newRequestId, sendError } from './response.js';

export type { S3Deps } from './request.js';

/** A request the guard refused (requestGuard.ts): S3's AccessDenied, 403. */
export function refuseS3Request(req: IncomingMessage, res: ServerResponse, message: string) {
  const raw = req.url ?? '/';
  const resource = raw.split('?')[0];
  const r = { req, res, method: (req.method ?? 'GET').toUpperCase(), resource, requestId: newRequestId() } as S3Request;
  sendError(r, new S3Error('AccessDenied', 403, message, {}, { connection: 'close' }));
}

export function handleS3Request(deps: S3Deps, req: IncomingMessage, res: ServerResponse): void {
  const raw = req.url ?? '/';
  const qi = raw.indexOf('?');
  const rawPath = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const r: S3Request = {
    req,
    res,
    method: (req.method ?? 'GET').toUpperCase(),
    bucket: '',
    key: '',
    resource: rawPath,
    query,
    caller: callerFrom(req.headers.authorization, query, deps.defaultRegion, deps.keys),
    requestId: newRequestId(),
    deps,
    bodyCheck: { kind: 'none' },
  };
  req.on('error', () => res.destroy());
  route(r).catch((e: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof S3Error) {
      sendError(r, e);
      return;
    }
    if (req.destroyed || (e as { code?: string })?.code === 'ECONNRESET' || (e as Error)?.message === 'aborted') {
      res.destroy();
      return;
    }
    deps.log.error(`s3: unhandled error (request ${r.requestId})`, e);
    sendError(r, s3err.internal());
  });
}

async function route(r: S3Request): Promise<void> {
  const path = r.resource;
  if (!path.startsWith('/')) throw s3err.invalidUri();
  const rest = path.slice(1);
  const slash = rest.indexOf('/');
  r.bucket = decode(slash >= 0 ? rest.slice(0, slash) : rest);
  r.key = slash >= 0 ? decode(rest.slice(slash + 1)) : '';
  r.resource = r.key ? `/${r.bucket}/${r.key}` : `/${r.bucket}`;
  if (r.deps.keys) {
    const verified = authenticateS3(r.deps.keys, r.req);
    r.bodyCheck = verified.body;
    r.caller = { ...r.caller, account: verified.account };
  }
  // A region is recorded with buckets and sent back in headers: only a region name is accepted.
  if (r.caller.region !== r.deps.defaultRegion && !validRegion(r.caller.region))
    throw s3err.badScopeRegion(r.caller.region, r.deps.defaultRegion, r.req.headers.authorization === undefined);
  return pickOperation(r)(r);
}
