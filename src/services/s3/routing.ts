// Which requests on the shared port are S3's: CodePipeline is POST / with X-Amz-Target (decided before
// this is asked); a SigV4 credential scope naming the `s3` service is S3's; any other request is S3's
// unless its path belongs to the emulator itself (a first segment starting with `_`, which no bucket
// name can, or `webhooks`).
import type { IncomingMessage } from 'node:http';

/** Emulator routes whose first path segment is a valid bucket name (so only an s3-signed request reaches such a bucket). */
export const EMULATOR_ROUTE_SEGMENTS = new Set(['webhooks']);

const SCOPE_SERVICE = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

function signedService(req: IncomingMessage, rawQuery: string): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = SCOPE_SERVICE.exec(auth);
    if (m) return m[1];
  }
  if (rawQuery.includes('X-Amz-Credential')) {
    const scope = new URLSearchParams(rawQuery).get('X-Amz-Credential')?.split('/');
    if (scope?.length === 5) return scope[3];
  }
  return undefined;
}

export function isS3Request(req: IncomingMessage): boolean {
  // CORS preflights (unsigned by nature) are answered by the Hono app's CORS middleware for every path.
  if (req.method === 'OPTIONS') return false;
  const raw = req.url ?? '/';
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const service = signedService(req, qi >= 0 ? raw.slice(qi + 1) : '');
  if (service !== undefined) return service === 's3';
  // POST / is CodePipeline's (S3 has no POST on the service).
  if (req.method === 'POST' && path === '/') return false;
  const first = path.split('/')[1] ?? '';
  if (first.startsWith('_') || first.startsWith('%5F') || first.startsWith('%5f')) return false;
  return !EMULATOR_ROUTE_SEGMENTS.has(first);
}
