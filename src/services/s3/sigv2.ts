// S3's older signature (AWS signature version 2, HMAC-SHA1), verified because the AWS CLI v1 and boto3
// still make presigned URLs with it by default (`aws s3 presign`, generate_presigned_url:
// ?AWSAccessKeyId=...&Expires=...&Signature=...), and botocore signs with it when told to
// (signature_version 's3': `Authorization: AWS AKID:signature`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../../protocol/credentials.js';
import { MAX_SKEW_MS, queryPairs, type RawRequest } from '../../protocol/sigv4.js';
import { S3Error } from './errors.js';

/** The query parameters that are part of the signed resource (sub-resources and response overrides). */
const SIGNED_SUBRESOURCES = new Set([
  'acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy', 'requestPayment',
  'restore', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website', 'object-lock',
  'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding',
]);

/** True when the request is signed with signature version 2 (header or query). */
export function isSigV2(r: RawRequest): boolean {
  const auth = r.headers.authorization?.[0];
  if (auth !== undefined) return auth.startsWith('AWS ');
  return /(^|&)AWSAccessKeyId=/.test(r.url.split('?')[1] ?? '');
}

const isoSeconds = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const bytesOf = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');

export function stringToSignV2(r: RawRequest, dateOrExpires: string): string {
  const h = (name: string) => r.headers[name]?.join(',') ?? '';
  const amz = Object.keys(r.headers)
    .filter((n) => n.startsWith('x-amz-'))
    .sort()
    .map((n) => `${n}:${r.headers[n]!.map((v) => v.trim()).join(',')}\n`)
    .join('');
  const [path, query = ''] = r.url.split('?');
  const sub = queryPairs(query)
    .filter(([k]) => SIGNED_SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' && !query.includes(`${k}=`) ? k : `${k}=${v}`));
  const resource = sub.length ? `${path}?${sub.join('&')}` : path;
  return `${r.method.toUpperCase()}\n${h('content-md5')}\n${h('content-type')}\n${dateOrExpires}\n${amz}${resource}`;
}

/** Verifies a signature-version-2 request; answers the key's account. Throws S3Errors. */
export function authenticateV2(keys: KeyRing, r: RawRequest, now = Date.now()): { account: string } {
  const auth = r.headers.authorization?.[0];
  let accessKeyId: string;
  let provided: string;
  let dateLine: string;
  if (auth !== undefined) {
    const m = /^AWS ([^:\s]+):(\S+)$/.exec(auth);
    if (!m) throw new S3Error('InvalidArgument', 400, 'Authorization header is invalid -- one and only one \' \' (space) required', { ArgumentName: 'Authorization', ArgumentValue: auth });
    [, accessKeyId, provided] = m;
    const amzDate = r.headers['x-amz-date']?.[0];
    const date = r.headers.date?.[0];
    const t = Date.parse(amzDate ?? date ?? '');
    if (Number.isNaN(t)) throw new S3Error('AccessDenied', 403, 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now - t) > MAX_SKEW_MS)
      throw new S3Error('RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.', {
        RequestTime: (amzDate ?? date)!,
        ServerTime: isoSeconds(now),
        MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
      });
    // With x-amz-date the Date line is empty (x-amz-date is among the signed x-amz- headers).
    dateLine = amzDate !== undefined ? '' : date!;
  } else {
    const params = new Map(queryPairs(r.url.split('?')[1] ?? ''));
    const expires = params.get('Expires');
    accessKeyId = params.get('AWSAccessKeyId') ?? '';
    provided = params.get('Signature') ?? '';
    if (expires === undefined || provided === '' || accessKeyId === '')
      throw new S3Error('AccessDenied', 403, 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
    if (!/^\d{1,12}$/.test(expires)) throw new S3Error('AccessDenied', 403, 'Invalid date (should be seconds since epoch): ' + expires);
    if (now > Number(expires) * 1000)
      throw new S3Error('AccessDenied', 403, 'Request has expired', { Expires: isoSeconds(Number(expires) * 1000), ServerTime: isoSeconds(now) });
    dateLine = expires;
  }
  const owner = keys.get(accessKeyId);
  if (!owner) throw new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId });
  const sts = stringToSignV2(r, dateLine);
  const expected = createHmac('sha1', owner.secretAccessKey).update(sts, 'utf8').digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      AWSAccessKeyId: accessKeyId,
      StringToSign: sts,
      SignatureProvided: provided,
      StringToSignBytes: bytesOf(sts),
    });
  return { account: owner.account };
}
