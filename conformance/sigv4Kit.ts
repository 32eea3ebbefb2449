// Signing helpers for the signature-verification tests, independent of the emulator's verifier:
// @smithy/signature-v4 (the SDK's own signer) for header and presigned requests, node:crypto for
// the aws-chunked chunk signatures.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

export const KEY = { accessKeyId: 'AKIDTEAMSERVER01', secretAccessKey: 'team-secret/with+chars', accountId: '111122223333' };
export const OTHER = { accessKeyId: '444455556666', secretAccessKey: 'other-secret' };
export const CREDENTIALS = [KEY, OTHER];

/** The sha256 constructor SignatureV4 wants, from node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: unknown) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as string | Uint8Array);
  }
  update(data: unknown) {
    this.h.update(data as string | Uint8Array);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

export function signer(service: string, creds: { accessKeyId: string; secretAccessKey: string } = KEY, region = 'us-east-1') {
  return new SignatureV4({ credentials: creds, region, service, sha256: Sha256, uriEscapePath: service !== 's3', applyChecksum: service === 's3' });
}

export interface Signed {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Signs a request for `url` (Authorization header). */
export async function signRequest(
  service: string,
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; creds?: { accessKeyId: string; secretAccessKey: string }; date?: Date } = {},
): Promise<Signed> {
  const u = new URL(url);
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer(service, opts.creds).sign(
    { method, protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, query, headers: { host: u.host, ...opts.headers }, body: opts.body },
    { signingDate: opts.date },
  );
  return { url, method, headers: signed.headers as Record<string, string>, body: opts.body };
}

/** A presigned GET URL. */
export async function presign(service: string, url: string, opts: { expiresIn?: number; date?: Date; creds?: { accessKeyId: string; secretAccessKey: string } } = {}) {
  const u = new URL(url);
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const p = await signer(service, opts.creds).presign(
    {
      method: 'GET',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      query,
      // As @aws-sdk/s3-request-presigner does: S3 presigned URLs sign UNSIGNED-PAYLOAD (the header is hoisted into the query).
      headers: { host: u.host, ...(service === 's3' && { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }) },
    },
    { expiresIn: opts.expiresIn ?? 300, signingDate: opts.date },
  );
  const qs = Object.entries(p.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${u.origin}${p.path}?${qs}`;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Sends a request exactly as signed (node:http: fetch would rewrite Host and Content-Length). */
export function send(s: Signed): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(s.url, { method: s.method, headers: s.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(s.body);
  });
}

export const get = (url: string, headers: Record<string, string> = {}) => send({ url, method: 'GET', headers });

/** An S3 XML error's elements. */
export function xmlError(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/<(\w[\w-]*)>([^<]*)<\/\1>/g)) out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");
  return out;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload: the header signature (the seed) from the SDK's signer,
 * every chunk signed by hand, chained from it. `tamper` alters the data of chunk `i` after signing.
 */
export async function chunkedPut(
  url: string,
  data: Buffer,
  chunkSize: number,
  opts: { tamper?: number; creds?: typeof KEY; date?: Date; trailer?: { name: string; value: string; tamper?: boolean } } = {},
): Promise<Signed> {
  const creds = opts.creds ?? KEY;
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  chunks.push(Buffer.alloc(0));
  const t = opts.trailer;
  // With a trailer the last chunk line is followed by the trailing header, its signature, an empty line.
  const trailerBytes = t ? `${t.name}:${t.value}\r\n`.length + 'x-amz-trailer-signature:'.length + 64 + 4 : 0;
  const framing = chunks.reduce((n, c) => n + c.length.toString(16).length + ';chunk-signature='.length + 64 + 4 + c.length, 0) - (t ? 2 : 0) + trailerBytes;
  const signed = await signRequest('s3', 'PUT', url, {
    creds,
    date: opts.date,
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': t ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-decoded-content-length': String(data.length),
      'content-length': String(framing),
      ...(t && { 'x-amz-trailer': t.name }),
    },
  });
  const auth = signed.headers.authorization;
  const seed = /Signature=([0-9a-f]{64})/.exec(auth)![1];
  const [, date, region, service] = /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth)!;
  const amzDate = signed.headers['x-amz-date'];
  const scope = `${date}/${region}/${service}/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date), region), service), 'aws4_request');
  let previous = seed;
  const parts = chunks.map((c, i) => {
    const sig = hmac(key, ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha(''), sha(c)].join('\n')).toString('hex');
    previous = sig;
    const sent = opts.tamper === i ? Buffer.from(c.map((b) => b ^ 1)) : c;
    const last = i === chunks.length - 1 && t;
    return Buffer.concat([Buffer.from(`${c.length.toString(16)};chunk-signature=${sig}\r\n`), sent, Buffer.from(last ? '' : '\r\n')]);
  });
  if (t) {
    const sig = hmac(key, ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha(`${t.name}:${t.value}\n`)].join('\n')).toString('hex');
    const value = t.tamper ? `${t.value.slice(0, -3)}AA=` : t.value;
    parts.push(Buffer.from(`${t.name}:${value}\r\nx-amz-trailer-signature:${sig}\r\n\r\n`));
  }
  const body = Buffer.concat(parts);
  return { ...signed, body };
}
