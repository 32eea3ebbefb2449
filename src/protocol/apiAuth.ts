// Signature verification for the CodePipeline API and the emulator's own routes (/_logs, /_events,
// /_local), with the errors AWS's JSON services answer: MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException, InvalidSignatureException.
import type { IncomingMessage } from 'node:http';
import type { KeyRing } from './credentials.js';
import { AwsError, err } from './errors.js';
import {
  amzDateOf,
  canonicalUri,
  ClaimError,
  MAX_SKEW_MS,
  readClaim,
  sha256Hex,
  signingKey,
  sign,
  stringToSign,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  verifyClaim,
  type ClaimProblem,
  type RawRequest,
  type SignatureClaim,
} from './sigv4.js';

export const SERVICE = 'codepipeline';

export const rawRequest = (req: IncomingMessage): RawRequest => ({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct });

const incomplete = (message: string) => err('IncompleteSignatureException', message);

function claimError(p: ClaimProblem, r: RawRequest): AwsError {
  const authorization = r.headers.authorization?.join(',') ?? '';
  switch (p.kind) {
    case 'missing':
      return err('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    case 'unsupported':
    case 'incomplete': {
      const missing = p.kind === 'incomplete' ? p.missing : ['Credential', 'Signature', 'SignedHeaders', ...(r.headers['x-amz-date'] || r.headers.date ? [] : ['date'])];
      const parts = missing.map((m) =>
        m === 'date' ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." : `Authorization header requires '${m}' parameter.`,
      );
      return incomplete(`${parts.join(' ')} Authorization=${authorization}`);
    }
    case 'badCredential':
      return incomplete(`Credential should be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request, not '${p.credential}'.`);
    case 'noDate':
      return incomplete("Authorization header requires existence of either a valid 'X-Amz-Date' or a 'Date' header.");
    case 'dateMismatch':
      return err(
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${p.scopeDate}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`,
      );
    case 'queryIncomplete':
      return incomplete(
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Expires'. Re-examine the query-string parameters.",
      );
    case 'badExpires':
      return incomplete(p.tooLong ? 'X-Amz-Expires must be less than a week (in seconds) that is 604800' : 'X-Amz-Expires should be a number');
  }
}

const mismatch = (canonical: string, sts: string) =>
  err(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
      `\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${sts}'\n`,
  );

function timeError(claim: SignatureClaim, now: number): AwsError | undefined {
  if (claim.presigned) {
    const until = claim.time + claim.expires! * 1000;
    if (now > until)
      return err('InvalidSignatureException', `Signature expired: ${claim.amzDate} + ${claim.expires} s is now earlier than ${amzDateOf(now)} (the presigned request expired at ${amzDateOf(until)}).`, 403);
    if (claim.time - now > MAX_SKEW_MS)
      return err('InvalidSignatureException', `Signature not yet current: ${claim.amzDate} is still later than ${amzDateOf(now + MAX_SKEW_MS)} (${amzDateOf(now)} + 15 min.)`, 403);
    return undefined;
  }
  if (now - claim.time > MAX_SKEW_MS)
    return err('InvalidSignatureException', `Signature expired: ${claim.amzDate} is now earlier than ${amzDateOf(now - MAX_SKEW_MS)} (${amzDateOf(now)} - 15 min.)`);
  if (claim.time - now > MAX_SKEW_MS)
    return err('InvalidSignatureException', `Signature not yet current: ${claim.amzDate} is still later than ${amzDateOf(now + MAX_SKEW_MS)} (${amzDateOf(now)} + 15 min.)`);
  return undefined;
}

export interface Authenticated {
  accessKeyId: string;
  account: string;
  region: string;
  service: string;
}

/**
 * Verifies a request's signature; throws the AwsError AWS would answer. `service`: the service the
 * credential scope must name (the API: codepipeline); undefined accepts any (the emulator's routes).
 */
export function authenticate(keys: KeyRing, r: RawRequest, body: Uint8Array, service: string | undefined, now = Date.now()): Authenticated {
  let claim: SignatureClaim;
  try {
    claim = readClaim(r);
  } catch (e) {
    if (e instanceof ClaimError) throw claimError(e.problem, r);
    throw e;
  }
  const { credential } = claim;
  // The host is signed, so a signed request cannot be replayed against another server.
  if (!claim.signedHeaders.includes('host')) throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (service !== undefined && credential.service !== service)
    throw err('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'. `);
  const owner = keys.get(credential.accessKeyId);
  if (!owner) throw err('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const late = timeError(claim, now);
  if (late) throw late;
  const path = r.url.split('?')[0];
  // Clients of JSON services sign the path encoded twice; a hand-made signer may sign it as sent.
  const paths = [canonicalUri(path, 'service'), path];
  const bodyHash = sha256Hex(body);
  const payloads = claim.presigned ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
  const verdict = verifyClaim(r, claim, owner.secretAccessKey, paths, payloads);
  if (!verdict.ok) throw mismatch(verdict.canonical, verdict.stringToSign);
  return { accessKeyId: credential.accessKeyId, account: owner.account, region: credential.region, service: credential.service };
}

/**
 * A presigned GET URL for one of the emulator's own routes (a log link in an API answer, or the
 * `presign` command): X-Amz-* query parameters signed for the host of the URL.
 */
export function presignUrl(
  url: string,
  key: { accessKeyId: string; secretAccessKey: string },
  region: string,
  expiresSeconds: number,
  now = Date.now(),
  service = SERVICE,
): string {
  const u = new URL(url);
  const amzDate = amzDateOf(now);
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) u.searchParams.delete(name);
  const extra = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(`${key.accessKeyId}/${scope}`)}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expiresSeconds}&X-Amz-SignedHeaders=host`;
  const query = u.search === '' ? extra : `${u.search.slice(1)}&${extra}`;
  const r: RawRequest = { method: 'GET', url: `${u.pathname}?${query}`, headers: { host: [u.host] } };
  const claim: SignatureClaim = {
    presigned: true,
    credential: { accessKeyId: key.accessKeyId, date, region, service, scope },
    signedHeaders: ['host'],
    signature: '',
    amzDate,
    time: now,
    expires: expiresSeconds,
  };
  const canonical = canonicalRequest(r, claim, sha256Hex(''), canonicalUri(u.pathname, 'service'));
  const signature = sign(signingKey(key.secretAccessKey, claim.credential), stringToSign(amzDate, scope, canonical));
  return `${u.origin}${u.pathname}?${query}&X-Amz-Signature=${signature}`;
}
