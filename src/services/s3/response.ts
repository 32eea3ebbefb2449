// Writing S3 answers: the headers every answer carries, XML bodies, <Error> documents, an object's
// headers, and the <Owner> element.
import { createHash, randomBytes } from 'node:crypto';
import type { S3Error } from './errors.js';
import type { S3Request } from './request.js';
import type { ObjectVersion } from './store.js';
import { httpTime, s3Xml, s3XmlInOrder, type XmlValue } from './xml.js';

export const newRequestId = () => randomBytes(8).toString('hex').toUpperCase();
const hostId = () => randomBytes(48).toString('base64');

export function baseHeaders(r: Pick<S3Request, 'requestId'>): Record<string, string> {
  return {
    'x-amz-request-id': r.requestId,
    'x-amz-id-2': hostId(),
    server: 'codepipeline-local',
  };
}

export function send(r: S3Request, status: number, headers: Record<string, string | number>, body?: string) {
  const payload = body === undefined || r.method === 'HEAD' ? undefined : Buffer.from(body, 'utf8');
  const h: Record<string, string | number> = { ...baseHeaders(r), ...headers };
  if (payload) {
    h['content-type'] ??= 'application/xml';
    h['content-length'] = payload.length;
  } else if (h['content-length'] === undefined) h['content-length'] = 0;
  r.res.writeHead(status, h);
  r.res.end(payload);
}

export const sendXml = (r: S3Request, root: string, body: Record<string, any>, headers: Record<string, string> = {}) =>
  send(r, 200, { 'content-type': 'application/xml', ...headers }, s3Xml(root, body));

export const sendXmlInOrder = (r: S3Request, root: string, children: [string, XmlValue][]) =>
  send(r, 200, { 'content-type': 'application/xml' }, s3XmlInOrder(root, children));

export function sendError(r: S3Request, e: S3Error) {
  const declared = Number(r.req.headers['content-length'] ?? 0);
  // A large body the client is still sending is not worth draining: answer and close the connection.
  const close = !r.req.readableEnded && (declared > 16 * 1024 * 1024 || r.req.headers['transfer-encoding'] !== undefined);
  const body = s3Xml(
    'Error',
    { Code: e.code, Message: e.message, ...e.extra, Resource: r.resource, RequestId: r.requestId, HostId: hostId() },
    false,
  );
  send(r, e.status, { 'content-type': 'application/xml', ...e.headers, ...(close && { connection: 'close' }) }, body);
  // A refused body (a bad chunk signature, a hash mismatch) read part way: the rest is drained, so the
  // client that is still sending reads this answer instead of a reset connection.
  if (!close && !r.req.readableEnded) r.req.resume();
}

/** The headers of GetObject / HeadObject for a version. */
export function objectHeaders(v: ObjectVersion): Record<string, string> {
  const h: Record<string, string> = {
    'last-modified': httpTime(v.lastModified),
    etag: v.etag,
    'x-amz-version-id': v.versionId,
    'accept-ranges': 'bytes',
    'content-type': v.contentType ?? 'binary/octet-stream',
    ...v.headers,
  };
  for (const [k, val] of Object.entries(v.metadata)) h[`x-amz-meta-${k}`] = val;
  return h;
}

/** The <Owner> of an account's buckets and objects (a stable canonical id). */
export const ownerOf = (account: string) => ({ ID: createHash('sha256').update(account).digest('hex'), DisplayName: `local-${account}` });

/** The owner of a bucket (the caller's account when the bucket is gone). */
export const bucketOwner = (r: S3Request) => ownerOf(r.deps.objects.getBucket(r.bucket)?.account ?? r.caller.account);
