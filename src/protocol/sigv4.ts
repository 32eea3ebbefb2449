// AWS Signature Version 4, the verifying side: reads the signature of a request (Authorization header
// or presigned query), rebuilds the canonical request and string to sign, and computes the signature a
// secret key gives; plus the chained signatures of aws-chunked bodies. Pure functions of the request:
// which errors a failure becomes (CodePipeline's JSON or S3's XML) is decided by the caller.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far a request's date may be from the server's clock (AWS: 15 minutes). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest validity of a presigned URL (AWS: 7 days). */
export const MAX_EXPIRES_SECONDS = 604800;

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
  /** date/region/service/aws4_request */
  scope: string;
}

/** A request's signature as it claims it. */
export interface SignatureClaim {
  presigned: boolean;
  credential: CredentialScope;
  signedHeaders: string[];
  signature: string;
  /** The request time as sent (YYYYMMDD'T'HHMMSS'Z'). */
  amzDate: string;
  /** The request time, epoch milliseconds. */
  time: number;
  /** Presigned: X-Amz-Expires, seconds. */
  expires?: number;
}

/** Why a request's signature could not even be read. */
export type ClaimProblem =
  | { kind: 'missing' }
  | { kind: 'unsupported'; algorithm: string }
  | { kind: 'incomplete'; missing: string[] }
  | { kind: 'badCredential'; credential: string }
  | { kind: 'noDate' }
  | { kind: 'dateMismatch'; scopeDate: string; amzDate: string }
  | { kind: 'queryIncomplete' }
  | { kind: 'badExpires'; tooLong: boolean };

export class ClaimError extends Error {
  constructor(readonly problem: ClaimProblem) {
    super(problem.kind);
  }
}

/** The request as the verifier needs it: the raw URL, and every header value as received. */
export interface RawRequest {
  method: string;
  /** Path and query exactly as sent (IncomingMessage.url). */
  url: string;
  headers: Record<string, string[] | undefined>;
}

const header1 = (r: RawRequest, name: string) => r.headers[name]?.join(',');

function splitUrl(url: string): { path: string; query: string } {
  const qi = url.indexOf('?');
  return qi >= 0 ? { path: url.slice(0, qi), query: url.slice(qi + 1) } : { path: url, query: '' };
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The query's parameters, decoded (`+` stays a plus: SigV4 clients send a space as %20). */
export function queryPairs(query: string): [string, string][] {
  if (query === '') return [];
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq >= 0 ? [safeDecode(p.slice(0, eq)), safeDecode(p.slice(eq + 1))] : [safeDecode(p), ''];
    });
}

/** SigV4's UriEncode: every byte but A-Z a-z 0-9 - . _ ~ as %XX (upper case). */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseAmzDate(v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) ? undefined : t;
}

/** Epoch milliseconds -> YYYYMMDD'T'HHMMSS'Z'. */
export const amzDateOf = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function parseCredential(raw: string): CredentialScope {
  const parts = raw.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]) || parts.some((p) => p === ''))
    throw new ClaimError({ kind: 'badCredential', credential: raw });
  const [accessKeyId, date, region, service] = parts;
  return { accessKeyId, date, region, service, scope: parts.slice(1).join('/') };
}

const HEADER_SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * The credential scope a request names, in its Authorization header or else its presigned
 * X-Amz-Credential parameter (decoded): the one reader of who calls, where and for which service, used
 * to route a request and to name its account and region. Lenient (it verifies nothing: readClaim does,
 * when signatures are verified); undefined when the request names none.
 */
export function scopeOf(authorization: string | undefined, presignedCredential: string | null | undefined): CredentialScope | undefined {
  const m = authorization === undefined ? null : HEADER_SCOPE.exec(authorization);
  if (m) {
    const [, accessKeyId, date, region, service] = m;
    return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
  }
  const parts = presignedCredential?.split('/');
  if (parts?.length !== 5) return undefined;
  const [accessKeyId, date, region, service] = parts;
  return { accessKeyId, date, region, service, scope: parts.slice(1).join('/') };
}

/** scopeOf for a raw query string: the presigned parameter is looked for only when the query names it. */
export const scopeOfRequest = (authorization: string | undefined, rawQuery: string) =>
  scopeOf(authorization, rawQuery.includes('X-Amz-Credential') ? new URLSearchParams(rawQuery).get('X-Amz-Credential') : undefined);

/** Reads the request's signature claim; ClaimError when there is none or it cannot be read. */
export function readClaim(r: RawRequest): SignatureClaim {
  const authorization = header1(r, 'authorization');
  if (authorization !== undefined) return readHeaderClaim(r, authorization);
  const params = new Map(queryPairs(splitUrl(r.url).query));
  if (!params.has('X-Amz-Algorithm') && !params.has('X-Amz-Credential') && !params.has('X-Amz-Signature')) throw new ClaimError({ kind: 'missing' });
  const algorithm = params.get('X-Amz-Algorithm');
  const credential = params.get('X-Amz-Credential');
  const signature = params.get('X-Amz-Signature');
  const amzDate = params.get('X-Amz-Date');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  const expiresRaw = params.get('X-Amz-Expires');
  if (algorithm === undefined || credential === undefined || signature === undefined || amzDate === undefined || signedHeaders === undefined || expiresRaw === undefined)
    throw new ClaimError({ kind: 'queryIncomplete' });
  if (algorithm !== ALGORITHM) throw new ClaimError({ kind: 'unsupported', algorithm });
  const cred = parseCredential(credential);
  const time = parseAmzDate(amzDate);
  if (time === undefined) throw new ClaimError({ kind: 'noDate' });
  if (cred.date !== amzDate.slice(0, 8)) throw new ClaimError({ kind: 'dateMismatch', scopeDate: cred.date, amzDate });
  if (!/^\d{1,7}$/.test(expiresRaw)) throw new ClaimError({ kind: 'badExpires', tooLong: false });
  const expires = Number(expiresRaw);
  if (expires > MAX_EXPIRES_SECONDS) throw new ClaimError({ kind: 'badExpires', tooLong: true });
  return { presigned: true, credential: cred, signedHeaders: signedHeaders.split(';'), signature, amzDate, time, expires };
}

function readHeaderClaim(r: RawRequest, authorization: string): SignatureClaim {
  const sp = authorization.indexOf(' ');
  const algorithm = sp >= 0 ? authorization.slice(0, sp) : authorization;
  if (algorithm !== ALGORITHM) throw new ClaimError({ kind: 'unsupported', algorithm });
  const fields = new Map<string, string>();
  for (const part of authorization.slice(sp + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((f) => !fields.get(f));
  const amzDate = header1(r, 'x-amz-date');
  const httpDate = header1(r, 'date');
  if (amzDate === undefined && httpDate === undefined) missing.push('date');
  if (missing.length) throw new ClaimError({ kind: 'incomplete', missing });
  const credential = parseCredential(fields.get('Credential')!);
  let time: number | undefined;
  let stamp: string;
  if (amzDate !== undefined) {
    time = parseAmzDate(amzDate);
    stamp = amzDate;
  } else {
    const t = Date.parse(httpDate!);
    time = Number.isNaN(t) ? undefined : t;
    stamp = time === undefined ? httpDate! : amzDateOf(time);
  }
  if (time === undefined) throw new ClaimError({ kind: 'noDate' });
  if (credential.date !== stamp.slice(0, 8)) throw new ClaimError({ kind: 'dateMismatch', scopeDate: credential.date, amzDate: stamp });
  return {
    presigned: false,
    credential,
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature: fields.get('Signature')!,
    amzDate: stamp,
    time,
  };
}

/**
 * The canonical URI. S3 signs the path as the client encoded it, once, without normalisation
 * (`style: 's3'`: each segment decoded and UriEncoded again, so `a b` and `a%20b` are the same key);
 * every other service removes `.`/`..`/empty segments and encodes the already-encoded path again.
 */
export function canonicalUri(rawPath: string, style: 's3' | 'service'): string {
  if (style === 's3') return rawPath.split('/').map((s) => uriEncode(safeDecode(s))).join('/');
  const segments: string[] = [];
  for (const s of rawPath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized).replace(/%2F/g, '/');
}

/** The canonical query string: every parameter but the signature, encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  return queryPairs(rawQuery)
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const trimValue = (v: string) => v.trim().replace(/\s+/g, ' ');

export function canonicalRequest(r: RawRequest, claim: SignatureClaim, payloadHash: string, canonicalPath: string): string {
  const { query } = splitUrl(r.url);
  const headers = claim.signedHeaders.map((name) => `${name}:${(r.headers[name] ?? []).map(trimValue).join(',')}\n`).join('');
  return [r.method.toUpperCase(), canonicalPath, canonicalQuery(query), headers, claim.signedHeaders.join(';'), payloadHash].join('\n');
}

export const stringToSign = (amzDate: string, scope: string, canonical: string) => `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

const keyCache = new Map<string, Buffer>();

/** The signing key of a secret for one day, region and service (cached: it changes once a day). */
export function signingKey(secret: string, c: Pick<CredentialScope, 'date' | 'region' | 'service'>): Buffer {
  const id = `${secret}\n${c.date}\n${c.region}\n${c.service}`;
  let key = keyCache.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, c.date), c.region), c.service), 'aws4_request');
    if (keyCache.size >= 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export const sign = (key: Buffer, toSign: string) => createHmac('sha256', key).update(toSign, 'utf8').digest('hex');

/** Constant-time comparison of two hex signatures. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Verdict {
  ok: boolean;
  /** The canonical request and string to sign the server expected (the first candidate's, when none matched). */
  canonical: string;
  stringToSign: string;
}

/**
 * Checks the claim against a secret. `paths` and `payloads` list the canonical URIs and payload hashes
 * to accept (the first of each is the one AWS uses; others tolerate clients that sign what they send).
 */
export function verifyClaim(r: RawRequest, claim: SignatureClaim, secret: string, paths: string[], payloads: string[]): Verdict {
  const key = signingKey(secret, claim.credential);
  let first: Verdict | undefined;
  for (const payload of payloads) {
    for (const p of paths) {
      const canonical = canonicalRequest(r, claim, payload, p);
      const sts = stringToSign(claim.amzDate, claim.credential.scope, canonical);
      if (sameSignature(sign(key, sts), claim.signature)) return { ok: true, canonical, stringToSign: sts };
      first ??= { ok: false, canonical, stringToSign: sts };
    }
  }
  return first!;
}

// ---- aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) ----

/** The string to sign of one chunk, chained from the previous signature (the seed: the header's). */
export const chunkStringToSign = (amzDate: string, scope: string, previous: string, chunkSha256: string) =>
  `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${chunkSha256}`;

/** The string to sign of the trailing headers, chained from the final chunk's signature. */
export const trailerStringToSign = (amzDate: string, scope: string, previous: string, trailerSha256: string) =>
  `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${trailerSha256}`;

/** Checks chunk signatures in order; each check throws what `fail` builds when a signature is wrong. */
export class ChunkChain {
  private previous: string;

  constructor(
    private readonly key: Buffer,
    private readonly amzDate: string,
    private readonly scope: string,
    seed: string,
    private readonly fail: (provided: string | undefined, stringToSign: string) => Error,
  ) {
    this.previous = seed;
  }

  chunk(provided: string | undefined, dataSha256: string) {
    const sts = chunkStringToSign(this.amzDate, this.scope, this.previous, dataSha256);
    const expected = sign(this.key, sts);
    if (provided === undefined || !sameSignature(expected, provided)) throw this.fail(provided, sts);
    this.previous = expected;
  }

  /** `lines`: the trailing header lines (without the signature line), as sent. */
  trailer(provided: string | undefined, lines: string[]) {
    const canonical = lines.map((l) => {
      const colon = l.indexOf(':');
      return `${l.slice(0, colon).trim().toLowerCase()}:${l.slice(colon + 1).trim()}\n`;
    });
    const sts = trailerStringToSign(this.amzDate, this.scope, this.previous, sha256Hex(canonical.join('')));
    const expected = sign(this.key, sts);
    if (provided === undefined || !sameSignature(expected, provided)) throw this.fail(provided, sts);
    this.previous = expected;
  }
}
