// Which requests on the shared port are S3's, by the shapes of S3's requests (path-style: /bucket/key):
// a SigV4 credential scope naming the `s3` service is S3's; POST / is not (S3 has no POST on the
// service: it is an API call's); any other request is S3's unless its path belongs to the emulator
// itself (a first segment starting with `_`, which no bucket name can, or `webhooks`). The router
// (src/router.ts) asks claimsS3 in its chain, after the emulator's routes and the API services.

/** Emulator routes whose first path segment is a valid bucket name (so only an s3-signed request reaches such a bucket). */
export const EMULATOR_ROUTE_SEGMENTS = new Set(['webhooks']);

/** The first path segment names one of the emulator's own routes (`_...`, which no bucket can be, or `webhooks`). */
export function isEmulatorSegment(first: string): boolean {
  return first.startsWith('_') || first.startsWith('%5F') || first.startsWith('%5f') || EMULATOR_ROUTE_SEGMENTS.has(first);
}

/** Whether a request of this method, path and credential-scope service is S3's. */
export function claimsS3(method: string | undefined, path: string, scopeService: string | undefined): boolean {
  if (scopeService !== undefined) return scopeService === 's3';
  if (method === 'POST' && path === '/') return false;
  return !isEmulatorSegment(path.split('/')[1] ?? '');
}
