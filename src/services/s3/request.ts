// An S3 request as the operations see it (bucket, key, query, caller, verified-body state) and what they
// read from it: headers, the body (aws-chunked decoded, signature-checked, bounded) and object attributes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../protocol/auth.js';
import { readLimited } from '../../protocol/bodyLimit.js';
import type { KeyRing } from '../../protocol/credentials.js';
import type { Logger } from '../../util/log.js';
import { checkSha256, type BodyCheck } from './auth.js';
import { decodeAwsChunked } from './chunked.js';
import { S3Error, s3err } from './errors.js';
import { S3_LIMITS, type Body, type ObjectStore } from './store.js';

export interface S3Deps {
  objects: ObjectStore;
  defaultRegion: string;
  log: Logger;
  /** The accepted access keys, when signatures are verified (--credentials). */
  keys?: KeyRing;
}

export interface S3Request {
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

/** One S3 operation (./operations/): answers the request, or throws the S3Error to answer. */
export type Operation = (r: S3Request) => void | Promise<void>;

const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'];

/** Decodes a path segment; malformed percent-encoding is InvalidURI. */
export function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3err.invalidUri();
  }
}

export const header = (r: S3Request, name: string): string | undefined => {
  const v = r.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function isAwsChunked(r: S3Request): boolean {
  const sha = header(r, 'x-amz-content-sha256') ?? '';
  const enc = header(r, 'content-encoding') ?? '';
  return sha.startsWith('STREAMING-') || enc.split(',').some((t) => t.trim().toLowerCase() === 'aws-chunked');
}

function intHeader(r: S3Request, name: string): number | undefined {
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
export function payload(r: S3Request): { body: Body; expectedSize?: number } {
  const source = { [Symbol.asyncIterator]: () => r.req.iterator({ destroyOnReturn: false }) } as AsyncIterable<Uint8Array>;
  const check = r.bodyCheck;
  if (isAwsChunked(r))
    return { body: decodeAwsChunked(source, check.kind === 'chunks' ? check : undefined), expectedSize: intHeader(r, 'x-amz-decoded-content-length') };
  return { body: check.kind === 'sha256' ? checkSha256(source, check.expected) : source, expectedSize: intHeader(r, 'content-length') };
}

/** EntityTooLarge before the body is read, when the announced length is over the limit. */
export function tooLargeUpFront(r: S3Request) {
  const announced = isAwsChunked(r) ? intHeader(r, 'x-amz-decoded-content-length') : intHeader(r, 'content-length');
  if (announced !== undefined && announced > S3_LIMITS.maxObjectBytes) throw s3err.entityTooLarge(S3_LIMITS.maxObjectBytes, announced);
}

/** A small request body (XML), bounded: one over the limit is refused as S3 does, before it is read when its length is announced. */
export async function smallBody(r: S3Request): Promise<string> {
  const { body, expectedSize } = payload(r);
  return (await readLimited(body as AsyncIterable<Uint8Array>, S3_LIMITS.maxXmlBytes, expectedSize, s3err.maxMessageLengthExceeded)).toString('utf8');
}

/** Content-Type, stored system headers and user metadata of a PUT / CreateMultipartUpload. */
export function objectAttributes(r: S3Request): { contentType: string; headers: Record<string, string>; metadata: Record<string, string> } {
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
