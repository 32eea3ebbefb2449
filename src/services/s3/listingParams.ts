// What the listings share: their query parameters (max-keys / max-parts, continuation tokens,
// encoding-type=url, prefix, delimiter) and the entries of ListObjects / ListObjectsV2 answers.
import { s3err } from './errors.js';
import type { S3Request } from './request.js';
import { bucketOwner } from './response.js';
import type { ListResult } from './store.js';
import { isoTime } from './xml.js';

/** max-keys (or max-parts): 1000 when absent, at most 1000. */
export function parseMaxKeys(r: S3Request, name: string): number {
  const raw = r.query.get(name);
  if (raw === null) return 1000;
  if (!/^\d{1,10}$/.test(raw)) throw s3err.invalidArgument('Provided max-keys not an integer or within integer range', name, raw);
  return Math.min(Number(raw), 1000);
}

export function encodeToken(cursor: string): string {
  return Buffer.from(JSON.stringify({ c: cursor }), 'utf8').toString('base64url');
}

export function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v?.c === 'string') return v.c;
  } catch {
    // fall through
  }
  throw s3err.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

/** The encoding-type of a listing (only `url`), and how it encodes keys and prefixes in the answer. */
function listEncoding(r: S3Request): { encodingType?: string; enc: <T extends string | undefined>(s: T) => T } {
  const encodingType = r.query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') throw s3err.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  const enc = <T extends string | undefined>(s: T): T => (s === undefined || encodingType !== 'url' ? s : (encodeURIComponent(s).replace(/%2F/g, '/') as T));
  return { ...(encodingType !== undefined && { encodingType }), enc };
}

/** What every listing reads first: encoding-type, prefix, delimiter (empty is none) and max-keys. */
export function listingScope(r: S3Request) {
  const { encodingType, enc } = listEncoding(r);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') || undefined;
  const maxKeys = parseMaxKeys(r, 'max-keys');
  return { encodingType, enc, prefix, delimiter, maxKeys };
}

/** The <Contents> and <CommonPrefixes> of a ListObjects / ListObjectsV2 answer. */
export function listedObjects(r: S3Request, out: ListResult, enc: <T extends string | undefined>(s: T) => T, withOwner: boolean) {
  return {
    Contents: out.contents.map((o) => ({
      Key: enc(o.key),
      LastModified: isoTime(o.lastModified),
      ETag: o.etag,
      Size: o.size,
      ...(withOwner && { Owner: bucketOwner(r) }),
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: out.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  };
}
