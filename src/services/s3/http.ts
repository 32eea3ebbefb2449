// The S3 wire protocol (REST, path-style: /bucket/key), served straight from node:http on the
// emulator's port. Signatures are verified only when access keys are configured (./auth.ts); otherwise
// the credential scope only names the caller's account (a 12-digit access key id) and region. Bodies
// stream to the object store.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { callerFrom, validRegion, type Caller } from '../../protocol/auth.js';
import { readLimited } from '../../protocol/bodyLimit.js';
import type { KeyRing } from '../../protocol/credentials.js';
import type { Logger } from '../../util/log.js';
import { authenticateS3, checkSha256, type BodyCheck } from './auth.js';
import { decodeAwsChunked } from './chunked.js';
import { S3Error, s3err } from './errors.js';
import { S3_LIMITS, validBucketName, type Body, type ObjectStore, type ObjectVersion } from './store.js';
import { httpTime, isoTime, parseXml, s3Xml, s3XmlInOrder, text, type XmlValue } from './xml.js';

export interface S3Deps {
  objects: ObjectStore;
  defaultRegion: string;
  log: Logger;
  /** The accepted access keys, when signatures are verified (--credentials). */
  keys?: KeyRing;
}

interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  bucket: string;
  key: string;
  /** The path as requested (for <Resource>). */
  resource: string;
  query: URLSearchParams;
  caller: Caller;
  requestId: string;
  deps: S3Deps;
  /** What remains to verify of the body (signatures verified only). */
  bodyCheck: BodyCheck;
}

const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'];
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};
// Sub-resources of S3 this store does not implement: answered NotImplemented, never mistaken for another operation.
const UNSUPPORTED = [
  'acl', 'tagging', 'policy', 'policyStatus', 'cors', 'lifecycle', 'website', 'logging', 'notification', 'replication',
  'encryption', 'ownershipControls', 'publicAccessBlock', 'accelerate', 'requestPayment', 'analytics', 'inventory',
  'metrics', 'intelligent-tiering', 'object-lock', 'legal-hold', 'retention', 'torrent', 'restore', 'select',
  'attributes', 'session', 'metadataTable', 'renameObject',
];

const newRequestId = () => randomBytes(8).toString('hex').toUpperCase();
const hostId = () => randomBytes(48).toString('base64');

function baseHeaders(r: Pick<Req, 'requestId'>): Record<string, string> {
  return {
    'x-amz-request-id': r.requestId,
    'x-amz-id-2': hostId(),
    server: 'codepipeline-local',
  };
}

function send(r: Req, status: number, headers: Record<string, string | number>, body?: string) {
  const payload = body === undefined || r.method === 'HEAD' ? undefined : Buffer.from(body, 'utf8');
  const h: Record<string, string | number> = { ...baseHeaders(r), ...headers };
  if (payload) {
    h['content-type'] ??= 'application/xml';
    h['content-length'] = payload.length;
  } else if (h['content-length'] === undefined) h['content-length'] = 0;
  r.res.writeHead(status, h);
  r.res.end(payload);
}

const sendXml = (r: Req, root: string, body: Record<string, any>, headers: Record<string, string> = {}) =>
  send(r, 200, { 'content-type': 'application/xml', ...headers }, s3Xml(root, body));

const sendXmlInOrder = (r: Req, root: string, children: [string, XmlValue][]) =>
  send(r, 200, { 'content-type': 'application/xml' }, s3XmlInOrder(root, children));

function sendError(r: Req, e: S3Error) {
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

/** Decodes a path segment; malformed percent-encoding is InvalidURI. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3err.invalidUri();
  }
}

/** A request the guard refused (requestGuard.ts): S3's AccessDenied, 403. */
export function refuseS3Request(req: IncomingMessage, res: ServerResponse, message: string) {
  const raw = req.url ?? '/';
  const resource = raw.split('?')[0];
  const r = { req, res, method: (req.method ?? 'GET').toUpperCase(), resource, requestId: newRequestId() } as Req;
  sendError(r, new S3Error('AccessDenied', 403, message, {}, { connection: 'close' }));
}

export function handleS3Request(deps: S3Deps, req: IncomingMessage, res: ServerResponse): void {
  const raw = req.url ?? '/';
  const qi = raw.indexOf('?');
  const rawPath = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const r: Req = {
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

async function route(r: Req): Promise<void> {
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
  for (const name of UNSUPPORTED) if (r.query.has(name)) throw s3err.notImplemented(`The '${name}' sub-resource`);
  // ?versions is ListObjectVersions (GET on a bucket); anywhere else it stays unimplemented.
  if (r.query.has('versions') && (r.key !== '' || r.bucket === '' || (r.method !== 'GET' && r.method !== 'HEAD')))
    throw s3err.notImplemented("The 'versions' sub-resource");
  if (r.bucket === '') {
    if (r.method === 'GET' || r.method === 'HEAD') return listBuckets(r);
    throw s3err.methodNotAllowed(r.method, 'SERVICE');
  }
  if (r.key === '') return bucketOperation(r);
  return objectOperation(r);
}

// ---- request bodies ----

const header = (r: Req, name: string): string | undefined => {
  const v = r.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function isAwsChunked(r: Req): boolean {
  const sha = header(r, 'x-amz-content-sha256') ?? '';
  const enc = header(r, 'content-encoding') ?? '';
  return sha.startsWith('STREAMING-') || enc.split(',').some((t) => t.trim().toLowerCase() === 'aws-chunked');
}

function intHeader(r: Req, name: string): number | undefined {
  const v = header(r, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw s3err.invalidArgument(`Invalid ${name} header`, name, v);
  return Number(v.trim());
}

/**
 * The payload of the request (aws-chunked decoded) and the length the client announced for it. A reader
 * that stops early (a malformed chunk, a body over the limit) leaves the request alive: destroying it
 * would reset the connection before the error answer is written.
 */
function payload(r: Req): { body: Body; expectedSize?: number } {
  const source = { [Symbol.asyncIterator]: () => r.req.iterator({ destroyOnReturn: false }) } as AsyncIterable<Uint8Array>;
  const check = r.bodyCheck;
  if (isAwsChunked(r))
    return { body: decodeAwsChunked(source, check.kind === 'chunks' ? check : undefined), expectedSize: intHeader(r, 'x-amz-decoded-content-length') };
  return { body: check.kind === 'sha256' ? checkSha256(source, check.expected) : source, expectedSize: intHeader(r, 'content-length') };
}

/** A small request body (XML), bounded: one over the limit is refused as S3 does, before it is read when its length is announced. */
async function smallBody(r: Req): Promise<string> {
  const { body, expectedSize } = payload(r);
  return (await readLimited(body as AsyncIterable<Uint8Array>, S3_LIMITS.maxXmlBytes, expectedSize, s3err.maxMessageLengthExceeded)).toString('utf8');
}

/** Content-Type, stored system headers and user metadata of a PUT / CreateMultipartUpload. */
function objectAttributes(r: Req): { contentType: string; headers: Record<string, string>; metadata: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = header(r, name);
    if (name === 'content-encoding' && v !== undefined) {
      v = v
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t && t.toLowerCase() !== 'aws-chunked')
        .join(', ');
    }
    if (v) headers[name] = v;
  }
  const metadata: Record<string, string> = {};
  let metaSize = 0;
  for (const [name, value] of Object.entries(r.req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const v = Array.isArray(value) ? value.join(',') : value;
    metadata[key] = v;
    metaSize += Buffer.byteLength(key) + Buffer.byteLength(v);
  }
  if (metaSize > 2048) throw new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size', { Size: metaSize, MaxSizeAllowed: 2048 });
  return { contentType: header(r, 'content-type') || 'binary/octet-stream', headers, metadata };
}

function objectHeaders(v: ObjectVersion): Record<string, string> {
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

// ---- service ----

const ownerOf = (account: string) => ({ ID: createHash('sha256').update(account).digest('hex'), DisplayName: `local-${account}` });

function listBuckets(r: Req) {
  const prefix = r.query.get('prefix') ?? '';
  const buckets = r.deps.objects.listBuckets(r.caller.account).filter((b) => b.name.startsWith(prefix));
  sendXml(r, 'ListAllMyBucketsResult', {
    Owner: ownerOf(r.caller.account),
    Buckets: buckets.length ? { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTime(b.created), BucketRegion: b.region })) } : '',
    ...(r.query.has('prefix') && { Prefix: prefix }),
  });
}

// ---- buckets ----

async function bucketOperation(r: Req): Promise<void> {
  const { objects } = r.deps;
  switch (r.method) {
    case 'PUT': {
      if (r.query.has('versioning')) throw s3err.notImplemented('PutBucketVersioning (every bucket is versioned locally)');
      // The name is checked before the body is read (as S3: InvalidBucketName, not MalformedXML).
      if (!validBucketName(r.bucket)) throw s3err.invalidBucketName(r.bucket);
      const body = await smallBody(r);
      let region = r.caller.region;
      if (body.trim() !== '') {
        const doc = await parseXml(body);
        const conf = doc?.CreateBucketConfiguration;
        if (!conf) throw s3err.malformedXml();
        const constraint = text(conf, 'LocationConstraint');
        if (constraint !== undefined && constraint !== '' && !validRegion(constraint)) throw s3err.invalidLocationConstraint(constraint);
        if (constraint) region = constraint;
      }
      const { created } = objects.createBucket(r.caller.account, region, r.bucket);
      if (!created && r.caller.region !== 'us-east-1') throw s3err.bucketAlreadyOwnedByYou(r.bucket);
      return send(r, 200, { location: `/${r.bucket}` });
    }
    case 'HEAD': {
      const b = objects.requireBucket(r.bucket);
      return send(r, 200, { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' });
    }
    case 'DELETE':
      objects.deleteBucket(r.bucket);
      return send(r, 204, {});
    case 'GET': {
      const b = objects.requireBucket(r.bucket);
      if (r.query.has('location')) return sendXml(r, 'LocationConstraint', { _: b.region === 'us-east-1' ? '' : b.region });
      if (r.query.has('versioning')) return sendXml(r, 'VersioningConfiguration', { Status: 'Enabled' });
      if (r.query.has('uploads')) throw s3err.notImplemented('ListMultipartUploads');
      if (r.query.has('versions')) return listVersions(r);
      return listObjects(r, r.query.get('list-type') === '2');
    }
    case 'POST':
      if (r.query.has('delete')) return deleteObjects(r);
      throw s3err.methodNotAllowed('POST', 'BUCKET');
    default:
      throw s3err.methodNotAllowed(r.method, 'BUCKET');
  }
}

function parseMaxKeys(r: Req, name: string): number {
  const raw = r.query.get(name);
  if (raw === null) return 1000;
  if (!/^\d{1,10}$/.test(raw)) throw s3err.invalidArgument('Provided max-keys not an integer or within integer range', name, raw);
  return Math.min(Number(raw), 1000);
}

function encodeToken(cursor: string): string {
  return Buffer.from(JSON.stringify({ c: cursor }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v?.c === 'string') return v.c;
  } catch {
    // fall through
  }
  throw s3err.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

/** The encoding-type of a listing (only `url`), and how it encodes keys and prefixes in the answer. */
function listEncoding(r: Req): { encodingType?: string; enc: <T extends string | undefined>(s: T) => T } {
  const encodingType = r.query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') throw s3err.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  const enc = <T extends string | undefined>(s: T): T => (s === undefined || encodingType !== 'url' ? s : (encodeURIComponent(s).replace(/%2F/g, '/') as T));
  return { ...(encodingType !== undefined && { encodingType }), enc };
}

function listObjects(r: Req, v2: boolean) {
  const q = r.query;
  const { encodingType, enc } = listEncoding(r);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const maxKeys = parseMaxKeys(r, 'max-keys');
  const token = v2 ? (q.get('continuation-token') ?? undefined) : undefined;
  if (token === '') throw s3err.invalidArgument('The continuation token provided is incorrect', 'continuation-token', '');
  const startAfter = v2 ? (q.get('start-after') ?? undefined) : undefined;
  const marker = v2 ? undefined : (q.get('marker') ?? undefined);
  const after = token !== undefined ? decodeToken(token) : v2 ? startAfter || undefined : marker || undefined;
  const out = r.deps.objects.listObjects(r.bucket, { prefix, delimiter, maxKeys, after });
  const contents = out.contents.map((o) => ({
    Key: enc(o.key),
    LastModified: isoTime(o.lastModified),
    ETag: o.etag,
    Size: o.size,
    ...((!v2 || q.get('fetch-owner') === 'true') && { Owner: ownerOf(r.deps.objects.getBucket(r.bucket)?.account ?? r.caller.account) }),
    StorageClass: 'STANDARD',
  }));
  const commonPrefixes = out.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  if (v2) {
    return sendXml(r, 'ListBucketResult', {
      Name: r.bucket,
      Prefix: enc(prefix),
      ...(delimiter !== undefined && { Delimiter: enc(delimiter) }),
      MaxKeys: maxKeys,
      ...(encodingType && { EncodingType: encodingType }),
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: out.isTruncated,
      ...(token !== undefined && { ContinuationToken: token }),
      ...(out.isTruncated && out.cursor !== undefined && { NextContinuationToken: encodeToken(out.cursor) }),
      ...(startAfter !== undefined && { StartAfter: enc(startAfter) }),
      Contents: contents,
      CommonPrefixes: commonPrefixes,
    });
  }
  return sendXml(r, 'ListBucketResult', {
    Name: r.bucket,
    Prefix: enc(prefix),
    Marker: enc(marker ?? ''),
    ...(out.isTruncated && delimiter !== undefined && out.last !== undefined && { NextMarker: enc(out.last) }),
    MaxKeys: maxKeys,
    ...(delimiter !== undefined && { Delimiter: enc(delimiter) }),
    ...(encodingType && { EncodingType: encodingType }),
    IsTruncated: out.isTruncated,
    Contents: contents,
    CommonPrefixes: commonPrefixes,
  });
}

/**
 * ListObjectVersions (GET /bucket?versions): Version and DeleteMarker entries interleaved in S3's order
 * (keys ascending, newest version first), then CommonPrefixes.
 */
function listVersions(r: Req) {
  const q = r.query;
  const { encodingType, enc } = listEncoding(r);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const maxKeys = parseMaxKeys(r, 'max-keys');
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '')
    throw s3err.invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker);
  const out = r.deps.objects.listVersions(r.bucket, { prefix, delimiter, maxKeys, keyMarker, versionIdMarker });
  const owner = ownerOf(r.deps.objects.getBucket(r.bucket)?.account ?? r.caller.account);
  const entries: [string, XmlValue][] = [];
  const commonPrefixes: XmlValue[] = [];
  for (const e of out.entries) {
    if ('commonPrefix' in e) {
      commonPrefixes.push({ Prefix: enc(e.commonPrefix) });
      continue;
    }
    const v = e.version;
    const common = { Key: enc(v.key), VersionId: v.versionId, IsLatest: e.isLatest, LastModified: isoTime(v.lastModified) };
    if (v.deleteMarker) entries.push(['DeleteMarker', { ...common, Owner: owner }]);
    else entries.push(['Version', { ...common, ETag: v.etag, Size: v.size, StorageClass: 'STANDARD', Owner: owner }]);
  }
  sendXmlInOrder(r, 'ListVersionsResult', [
    ['Name', r.bucket],
    ['Prefix', enc(prefix)],
    ['KeyMarker', enc(keyMarker)],
    ['VersionIdMarker', versionIdMarker],
    ...(out.nextKeyMarker !== undefined ? [['NextKeyMarker', enc(out.nextKeyMarker)] as [string, XmlValue]] : []),
    ...(out.nextVersionIdMarker !== undefined ? [['NextVersionIdMarker', out.nextVersionIdMarker] as [string, XmlValue]] : []),
    ['MaxKeys', maxKeys],
    ...(delimiter !== undefined ? [['Delimiter', enc(delimiter)] as [string, XmlValue]] : []),
    ...(encodingType !== undefined ? [['EncodingType', encodingType] as [string, XmlValue]] : []),
    ['IsTruncated', out.isTruncated],
    ...entries,
    ...commonPrefixes.map((p) => ['CommonPrefixes', p] as [string, XmlValue]),
  ]);
}

async function deleteObjects(r: Req) {
  const doc = await parseXml(await smallBody(r));
  const del = doc?.Delete;
  if (!del || typeof del !== 'object') throw s3err.malformedXml();
  const items: any[] = Array.isArray(del.Object) ? del.Object : [];
  if (items.length === 0 || items.length > 1000) throw s3err.malformedXml();
  const quiet = text(del, 'Quiet') === 'true';
  r.deps.objects.requireBucket(r.bucket);
  const deleted: Record<string, any>[] = [];
  const errors: Record<string, any>[] = [];
  for (const item of items) {
    const key = text(item, 'Key');
    if (key === undefined) throw s3err.malformedXml();
    const versionId = text(item, 'VersionId');
    try {
      const out = r.deps.objects.deleteObject(r.bucket, key, versionId);
      if (quiet) continue;
      deleted.push({
        Key: key,
        ...(versionId !== undefined && { VersionId: versionId }),
        ...(out.deleteMarker && { DeleteMarker: true }),
        ...(out.deleteMarker && versionId === undefined && { DeleteMarkerVersionId: out.versionId }),
      });
    } catch (e) {
      if (!(e instanceof S3Error)) throw e;
      errors.push({ Key: key, ...(versionId !== undefined && { VersionId: versionId }), Code: e.code, Message: e.message });
    }
  }
  sendXml(r, 'DeleteResult', { Deleted: deleted, Error: errors });
}

// ---- objects ----

async function objectOperation(r: Req): Promise<void> {
  const q = r.query;
  switch (r.method) {
    case 'PUT':
      if (q.has('uploadId') || q.has('partNumber')) return uploadPart(r);
      if (header(r, 'x-amz-copy-source') !== undefined) return copyObject(r);
      return putObject(r);
    case 'GET':
      if (q.has('uploadId')) return listParts(r);
      return getObject(r);
    case 'HEAD':
      return getObject(r);
    case 'DELETE':
      if (q.has('uploadId')) {
        r.deps.objects.abortUpload(r.bucket, r.key, q.get('uploadId')!);
        return send(r, 204, {});
      }
      return deleteObject(r);
    case 'POST':
      if (q.has('uploads')) return createUpload(r);
      if (q.has('uploadId')) return completeUpload(r);
      throw s3err.methodNotAllowed('POST', 'OBJECT');
    default:
      throw s3err.methodNotAllowed(r.method, 'OBJECT');
  }
}

function tooLargeUpFront(r: Req) {
  const announced = isAwsChunked(r) ? intHeader(r, 'x-amz-decoded-content-length') : intHeader(r, 'content-length');
  if (announced !== undefined && announced > S3_LIMITS.maxObjectBytes) throw s3err.entityTooLarge(S3_LIMITS.maxObjectBytes, announced);
}

async function putObject(r: Req) {
  tooLargeUpFront(r);
  const attrs = objectAttributes(r);
  const { body, expectedSize } = payload(r);
  const v = await r.deps.objects.putObject({
    bucket: r.bucket,
    key: r.key,
    body,
    expectedSize,
    contentMd5: header(r, 'content-md5'),
    ...attrs,
  });
  send(r, 200, { etag: v.etag, 'x-amz-version-id': v.versionId });
}

function matchesEtag(list: string, etag: string): boolean {
  const bare = etag.replace(/^"|"$/g, '');
  return list.split(',').some((t) => {
    const s = t.trim().replace(/^W\//, '');
    return s === '*' || s.replace(/^"|"$/g, '') === bare;
  });
}

function parseDate(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

async function getObject(r: Req) {
  const versionId = r.query.get('versionId') ?? undefined;
  const v = r.deps.objects.resolve(r.bucket, r.key, versionId);
  const headers = objectHeaders(v);
  if (r.method === 'GET') {
    for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = r.query.get(param);
      if (value === null) continue;
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) throw s3err.invalidArgument(`Invalid value for ${param}`, param, '');
      headers[name] = value;
    }
  }
  // Conditional requests (If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since).
  const ifMatch = header(r, 'if-match');
  const ifNoneMatch = header(r, 'if-none-match');
  const ifUnmodified = parseDate(header(r, 'if-unmodified-since'));
  const ifModified = parseDate(header(r, 'if-modified-since'));
  if (ifMatch !== undefined ? !matchesEtag(ifMatch, v.etag) : ifUnmodified !== undefined && v.lastModified > ifUnmodified)
    throw s3err.preconditionFailed(ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since');
  if (ifNoneMatch !== undefined ? matchesEtag(ifNoneMatch, v.etag) : ifModified !== undefined && v.lastModified <= ifModified) {
    const { 'content-type': _ct, ...rest } = headers;
    return send(r, 304, rest);
  }
  let range: { start: number; end: number } | undefined;
  const rangeHeader = header(r, 'range');
  if (rangeHeader !== undefined) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      const size = v.size;
      if (m[1] === '') {
        const n = Number(m[2]);
        if (n === 0 || size === 0) throw s3err.invalidRange(rangeHeader, size);
        range = { start: Math.max(0, size - n), end: size - 1 };
      } else {
        const start = Number(m[1]);
        const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
        if (start >= size) throw s3err.invalidRange(rangeHeader, size);
        // A last byte before the first makes the header invalid: S3 then answers the whole object.
        if (m[2] === '' || Number(m[2]) >= start) range = { start, end };
      }
    }
  }
  const length = range ? range.end - range.start + 1 : v.size;
  const status = range ? 206 : 200;
  const all: Record<string, string | number> = { ...baseHeaders(r), ...headers, 'content-length': length };
  if (range) all['content-range'] = `bytes ${range.start}-${range.end}/${v.size}`;
  if (r.method === 'HEAD' || length === 0) {
    r.res.writeHead(status, all);
    r.res.end();
    return;
  }
  const stream = r.deps.objects.readBody(v, range);
  r.res.writeHead(status, all);
  await pipeline(stream, r.res);
}

function deleteObject(r: Req) {
  const versionId = r.query.get('versionId') ?? undefined;
  const out = r.deps.objects.deleteObject(r.bucket, r.key, versionId);
  send(r, 204, {
    ...(out.versionId !== undefined && { 'x-amz-version-id': out.versionId }),
    ...(out.deleteMarker && { 'x-amz-delete-marker': 'true' }),
  });
}

function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  let s = raw;
  let versionId: string | undefined;
  const qi = s.indexOf('?');
  if (qi >= 0) {
    const params = new URLSearchParams(s.slice(qi + 1));
    versionId = params.get('versionId') ?? undefined;
    s = s.slice(0, qi);
  }
  s = decode(s).replace(/^\//, '');
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) throw s3err.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', raw);
  return { bucket: s.slice(0, slash), key: s.slice(slash + 1), versionId };
}

async function copyObject(r: Req) {
  const { objects } = r.deps;
  const src = parseCopySource(header(r, 'x-amz-copy-source')!);
  const directive = (header(r, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw s3err.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  objects.requireBucket(r.bucket);
  const source = objects.resolve(src.bucket, src.key, src.versionId);
  if (directive === 'COPY' && src.bucket === r.bucket && src.key === r.key && src.versionId === undefined)
    throw s3err.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  const v = await objects.copyObject({ source, bucket: r.bucket, key: r.key, ...(directive === 'REPLACE' && { replace: objectAttributes(r) }) });
  sendXml(r, 'CopyObjectResult', { LastModified: isoTime(v.lastModified), ETag: v.etag }, {
    'x-amz-version-id': v.versionId,
    'x-amz-copy-source-version-id': source.versionId,
  });
}

function createUpload(r: Req) {
  const upload = r.deps.objects.createUpload({ bucket: r.bucket, key: r.key, ...objectAttributes(r) });
  sendXml(r, 'InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId });
}

function partNumberOf(r: Req): number {
  const raw = r.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= S3_LIMITS.maxPartNumber)) throw s3err.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw);
  return n;
}

async function uploadPart(r: Req) {
  const uploadId = r.query.get('uploadId');
  if (uploadId === null) throw s3err.invalidRequest('A part upload needs an uploadId');
  if (header(r, 'x-amz-copy-source') !== undefined) throw s3err.notImplemented('UploadPartCopy');
  const partNumber = partNumberOf(r);
  tooLargeUpFront(r);
  const { body, expectedSize } = payload(r);
  const part = await r.deps.objects.uploadPart({ bucket: r.bucket, key: r.key, uploadId, partNumber, body, expectedSize, contentMd5: header(r, 'content-md5') });
  send(r, 200, { etag: part.etag });
}

async function completeUpload(r: Req) {
  const uploadId = r.query.get('uploadId')!;
  r.deps.objects.requireUpload(r.bucket, r.key, uploadId);
  const doc = await parseXml(await smallBody(r));
  const root = doc?.CompleteMultipartUpload;
  if (!root || typeof root !== 'object' || !Array.isArray(root.Part)) throw s3err.malformedXml();
  const parts = (root.Part as any[]).map((p) => {
    const num = text(p, 'PartNumber');
    const etag = text(p, 'ETag');
    if (num === undefined || !/^\d{1,5}$/.test(num) || etag === undefined) throw s3err.malformedXml();
    const partNumber = Number(num);
    if (partNumber < 1 || partNumber > S3_LIMITS.maxPartNumber)
      throw s3err.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', num);
    return { partNumber, etag };
  });
  const v = await r.deps.objects.completeUpload(r.bucket, r.key, uploadId, parts);
  const host = header(r, 'host') ?? 'localhost';
  sendXml(
    r,
    'CompleteMultipartUploadResult',
    { Location: `http://${host}/${encodeURIComponent(r.bucket)}/${r.key.split('/').map(encodeURIComponent).join('/')}`, Bucket: r.bucket, Key: r.key, ETag: v.etag },
    { 'x-amz-version-id': v.versionId },
  );
}

function listParts(r: Req) {
  const uploadId = r.query.get('uploadId')!;
  const max = parseMaxKeys(r, 'max-parts');
  const markerRaw = r.query.get('part-number-marker') ?? '0';
  if (!/^\d{1,5}$/.test(markerRaw)) throw s3err.invalidArgument('Part number marker must be an integer', 'part-number-marker', markerRaw);
  const { parts, isTruncated } = r.deps.objects.listParts(r.bucket, r.key, uploadId, Number(markerRaw), max);
  const owner = ownerOf(r.deps.objects.getBucket(r.bucket)?.account ?? r.caller.account);
  sendXml(r, 'ListPartsResult', {
    Bucket: r.bucket,
    Key: r.key,
    UploadId: uploadId,
    Initiator: owner,
    Owner: owner,
    StorageClass: 'STANDARD',
    PartNumberMarker: Number(markerRaw),
    NextPartNumberMarker: parts.length ? parts[parts.length - 1].partNumber : 0,
    MaxParts: max,
    IsTruncated: isTruncated,
    Part: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: isoTime(p.lastModified), ETag: p.etag, Size: p.size })),
  });
}
