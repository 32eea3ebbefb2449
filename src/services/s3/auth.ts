// S3 signature verification (when access keys are configured), with S3's own errors: the header or
// presigned signature is checked before the operation; the body is checked as it streams (its
// x-amz-content-sha256, or the chained signature of every aws-chunked chunk), so an object whose body
// does not match is refused and never stored.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rawRequest } from '../../protocol/apiAuth.js';
import type { KeyRing } from '../../protocol/credentials.js';
import {
  canonicalUri,
  ChunkChain,
  ClaimError,
  EMPTY_SHA256,
  MAX_SKEW_MS,
  queryPairs,
  readClaim,
  signingKey,
  UNSIGNED_PAYLOAD,
  verifyClaim,
  type ClaimProblem,
  type SignatureClaim,
} from '../../protocol/sigv4.js';
import { S3Error } from './errors.js';
import { authenticateV2, isSigV2 } from './sigv2.js';

/** What must still be checked of the body once it arrives. */
export type BodyCheck = { kind: 'none' } | { kind: 'sha256'; expected: string } | { kind: 'chunks'; chain: ChunkChain; trailer: boolean };

const SIGNED_STREAMING = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const SIGNED_STREAMING_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const UNSIGNED_STREAMING_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const accessDenied = (message = 'Access Denied', extra: Record<string, string | number> = {}) => new S3Error('AccessDenied', 403, message, extra);
const headerMalformed = (why: string) => new S3Error('AuthorizationHeaderMalformed', 400, `The authorization header is malformed; ${why}`);
const queryError = (message: string) => new S3Error('AuthorizationQueryParametersError', 400, message);
const MALFORMED_CREDENTIAL = 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

const isoSeconds = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const bytesOf = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');

function claimError(p: ClaimProblem, presigned: boolean, authorization: string | undefined): S3Error {
  switch (p.kind) {
    case 'missing':
      return accessDenied();
    case 'unsupported':
      if (presigned) return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
      return p.algorithm === 'AWS'
        ? new S3Error('InvalidRequest', 400, 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.')
        : new S3Error('InvalidArgument', 400, 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authorization ?? '' });
    case 'incomplete':
      if (p.missing.length === 1 && p.missing[0] === 'date') return accessDenied('AWS authentication requires a valid Date or x-amz-date header');
      return headerMalformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
    case 'badCredential':
      return presigned ? queryError(`Error parsing the X-Amz-Credential parameter; ${MALFORMED_CREDENTIAL}`) : headerMalformed(MALFORMED_CREDENTIAL);
    case 'noDate':
      return presigned ? queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"') : accessDenied('AWS authentication requires a valid Date or x-amz-date header');
    case 'dateMismatch':
      return presigned ? queryError('Invalid credential date. Date is not the same as X-Amz-Date.') : headerMalformed('Invalid credential date. Date is not the same as X-Amz-Date.');
    case 'queryIncomplete':
      return queryError('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    case 'badExpires':
      return queryError(p.tooLong ? 'X-Amz-Expires must be less than a week (in seconds) that is 604800' : 'X-Amz-Expires should be a number');
  }
}

const signatureMismatch = (accessKeyId: string, provided: string, stringToSign: string, canonical?: string) =>
  new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
    AWSAccessKeyId: accessKeyId,
    StringToSign: stringToSign,
    SignatureProvided: provided,
    StringToSignBytes: bytesOf(stringToSign),
    ...(canonical !== undefined && { CanonicalRequest: canonical, CanonicalRequestBytes: bytesOf(canonical) }),
  });

export const sha256Mismatch = (client: string, computed: string) =>
  new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
    ClientComputedContentSHA256: client,
    S3ComputedContentSHA256: computed,
  });

function timeError(claim: SignatureClaim, now: number): S3Error | undefined {
  if (claim.presigned) {
    const until = claim.time + claim.expires! * 1000;
    if (now > until) return accessDenied('Request has expired', { 'X-Amz-Expires': claim.expires!, Expires: isoSeconds(until), ServerTime: isoSeconds(now) });
    if (claim.time - now > MAX_SKEW_MS) return accessDenied('Request is not valid yet');
    return undefined;
  }
  if (Math.abs(now - claim.time) > MAX_SKEW_MS)
    return new S3Error('RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.', {
      RequestTime: claim.amzDate,
      ServerTime: isoSeconds(now),
      MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
    });
  return undefined;
}

/** Verifies an S3 request's signature; answers the key's account and what remains to check of the body. Throws S3Errors. */
export function authenticateS3(keys: KeyRing, req: IncomingMessage, now = Date.now()): { account: string; body: BodyCheck } {
  const r = rawRequest(req);
  if (isSigV2(r)) return { account: authenticateV2(keys, r, now).account, body: { kind: 'none' } };
  const authorization = r.headers.authorization?.join(',');
  let claim: SignatureClaim;
  try {
    claim = readClaim(r);
  } catch (e) {
    if (e instanceof ClaimError) throw claimError(e.problem, authorization === undefined, authorization);
    throw e;
  }
  const { credential } = claim;
  if (credential.service !== 's3') {
    const why = `incorrect service "${credential.service}". This endpoint belongs to "s3".`;
    throw claim.presigned ? queryError(`Error parsing the X-Amz-Credential parameter; ${why}`) : headerMalformed(why);
  }
  const owner = keys.get(credential.accessKeyId);
  if (!owner) throw new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: credential.accessKeyId });
  const late = timeError(claim, now);
  if (late) throw late;

  // A presigned URL signs UNSIGNED-PAYLOAD, or the X-Amz-Content-Sha256 its query names (the SDK's presigner puts it there).
  let declared = claim.presigned ? (queryPairs(r.url.split('?')[1] ?? '').find(([k]) => k.toLowerCase() === 'x-amz-content-sha256')?.[1] ?? UNSIGNED_PAYLOAD) : UNSIGNED_PAYLOAD;
  if (!claim.presigned) {
    const sha = r.headers['x-amz-content-sha256']?.join(',');
    if (sha === undefined) throw new S3Error('InvalidRequest', 400, 'Missing required header for this request: x-amz-content-sha256');
    if (![UNSIGNED_PAYLOAD, SIGNED_STREAMING, SIGNED_STREAMING_TRAILER, UNSIGNED_STREAMING_TRAILER].includes(sha) && !/^[0-9a-f]{64}$/.test(sha))
      throw new S3Error(
        'InvalidArgument',
        400,
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        { ArgumentName: 'x-amz-content-sha256', ArgumentValue: sha },
      );
    declared = sha;
  }
  // Every x-amz- header of a header-signed request must be signed: none can be added to a captured request.
  if (!claim.presigned) {
    const unsigned = Object.keys(r.headers).filter((h) => h.startsWith('x-amz-') && !claim.signedHeaders.includes(h));
    if (unsigned.length) throw accessDenied('There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  }
  const path = r.url.split('?')[0];
  // S3 signs the path encoded once, not normalised; a client that encodes differently signs what it sends.
  const verdict = verifyClaim(r, claim, owner.secretAccessKey, [canonicalUri(path, 's3'), path], [declared]);
  if (!verdict.ok) throw signatureMismatch(credential.accessKeyId, claim.signature, verdict.stringToSign, verdict.canonical);

  let body: BodyCheck = { kind: 'none' };
  if (declared === SIGNED_STREAMING || declared === SIGNED_STREAMING_TRAILER) {
    const chain = new ChunkChain(signingKey(owner.secretAccessKey, credential), claim.amzDate, credential.scope, claim.signature, (provided, sts) =>
      signatureMismatch(credential.accessKeyId, provided ?? '', sts),
    );
    body = { kind: 'chunks', chain, trailer: declared === SIGNED_STREAMING_TRAILER };
  } else if (/^[0-9a-f]{64}$/.test(declared)) {
    // A request that announces no body is checked now: no operation reads an empty one.
    const length = r.headers['content-length']?.[0];
    if (r.headers['transfer-encoding'] === undefined && (length === undefined || length === '0') && declared !== EMPTY_SHA256) throw sha256Mismatch(declared, EMPTY_SHA256);
    body = { kind: 'sha256', expected: declared };
  }
  return { account: owner.account, body };
}

/** Passes a body through, refusing it at its end when its SHA-256 is not the declared one. */
export async function* checkSha256(source: AsyncIterable<Uint8Array>, expected: string): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
  const computed = hash.digest('hex');
  if (computed !== expected) throw sha256Mismatch(expected, computed);
}
