// The console's only way to the emulator: the CodePipeline API (POST / with X-Amz-Target, the same
// handlers the SDK reaches), the event stream (/_events/stream) and action logs (/_logs). The account
// and region travel as an AWS client sends them: in the SigV4 credential scope of the Authorization
// header (a 12-digit access key id is the account). Signatures are not verified by default, so the
// header carries no real signature. With --credentials the emulator refuses unsigned requests: the
// page then asks for an access key, kept in this tab's sessionStorage only, and signs every request
// with it (sigv4.js, WebCrypto); the account is then the key's.
import { presignedUrl, signedHeaders } from './sigv4.js';

/** The access key the page signs with, when the emulator verifies signatures (this tab only). */
let key = (() => {
  try {
    const k = JSON.parse(sessionStorage.getItem('cpl-key') ?? 'null');
    return k && typeof k.accessKeyId === 'string' && typeof k.secretAccessKey === 'string' ? k : undefined;
  } catch {
    return undefined;
  }
})();

export const signingKey = () => key;

export function setSigningKey(k) {
  key = k;
  if (k) sessionStorage.setItem('cpl-key', JSON.stringify(k));
  else sessionStorage.removeItem('cpl-key');
}

/** The account and region the page acts in (chosen in the header, kept for this tab). */
export const scope = { account: '000000000000', region: 'us-east-1' };

export function setScope(account, region) {
  scope.account = account;
  scope.region = region;
  sessionStorage.setItem('cpl-scope', JSON.stringify({ account, region }));
}

export function savedScope() {
  try {
    const s = JSON.parse(sessionStorage.getItem('cpl-scope') ?? 'null');
    return s && typeof s.account === 'string' && typeof s.region === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');
const authorization = (service) =>
  `AWS4-HMAC-SHA256 Credential=${scope.account}/${today()}/${scope.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/** An AWS error as the API answered it: its type and AWS's own message. */
export class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

/** Calls one CodePipeline operation; throws ApiError with AWS's type and message. */
export async function call(operation, input = {}) {
  let res;
  const body = JSON.stringify(input);
  const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CodePipeline_20150709.${operation}` };
  try {
    const headers = key
      ? await signedHeaders(key, scope.region, 'codepipeline', { method: 'POST', path: '/', headers: base, body })
      : { ...base, authorization: authorization('codepipeline') };
    res = await fetch('/', { method: 'POST', headers, body });
  } catch (e) {
    throw new ApiError('NetworkError', `The emulator could not be reached (${e.message})`);
  }
  return answer(res);
}

async function answer(res) {
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(`HTTP ${res.status}`, text.slice(0, 500));
  }
  if (!res.ok) {
    const type = String(body.__type ?? `HTTP ${res.status}`).split('#').pop();
    throw new ApiError(type, body.message ?? body.Message ?? text);
  }
  return body;
}

/** Every page of a paginated operation, up to `max` items. */
export async function callAll(operation, input, key, max = 10000) {
  const items = [];
  let nextToken;
  do {
    const out = await call(operation, { ...input, ...(nextToken && { nextToken }) });
    items.push(...(out[key] ?? []));
    nextToken = out.nextToken;
  } while (nextToken && items.length < max);
  return items;
}

/** The console's own read-only route: the accounts and regions holding pipelines. */
export async function scopes() {
  const headers = key ? await signedHeaders(key, scope.region, 'codepipeline', { method: 'GET', path: '/_console/scopes' }) : {};
  return answer(await fetch('/_console/scopes', { headers }));
}

/** Follows a pipeline's events: calls `onEvent` for each; answers a function that stops following. */
export function follow(pipeline, onEvent) {
  const q = new URLSearchParams({ pipeline, account: scope.account, region: scope.region });
  let source;
  let closed = false;
  const open = async () => {
    // Signed: a presigned URL (EventSource sends no headers), made again for each connection.
    const url = key ? await presignedUrl(key, scope.region, 'codepipeline', '/_events/stream', q) : `/_events/stream?${q}`;
    if (closed) return;
    source = new EventSource(url);
    // The stream starts with new events only: read the state again once it is open (and after each
    // reconnection), so a change between the page's first read and the stream's start is not missed.
    source.onopen = () => onEvent(undefined);
    source.onmessage = (m) => {
      try {
        onEvent(JSON.parse(m.data));
      } catch {
        onEvent(undefined);
      }
    };
    if (key)
      source.onerror = () => {
        // A presigned URL expires: reconnect with a fresh one, and read the state again.
        source.close();
        if (!closed) setTimeout(() => open().then(() => onEvent(undefined)), 1000);
      };
  };
  open();
  return () => {
    closed = true;
    source?.close();
  };
}

/** An action's log as text (from the local log route its externalExecutionUrl points at). */
export async function logText(url) {
  const u = new URL(url, location.href);
  if (u.origin !== location.origin || !u.pathname.startsWith('/_logs/')) return undefined;
  u.searchParams.set('account', scope.account);
  u.searchParams.delete('format');
  const headers = key ? await signedHeaders(key, scope.region, 'codepipeline', { method: 'GET', path: u.pathname, query: u.searchParams }) : {};
  const res = await fetch(`${u.pathname}${u.search}`, { headers });
  return res.ok ? res.text() : `(no log: HTTP ${res.status})`;
}

/** Downloads an artifact's zip from the S3 store and hands it to the browser as a file. */
export async function download(bucket, key, fileName) {
  const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const headers = key
    ? await signedHeaders(key, scope.region, 's3', { method: 'GET', path, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, unsignedPayload: true })
    : { authorization: authorization('s3'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': `${today()}T000000Z` };
  const res = await fetch(path, { headers });
  if (!res.ok) throw new ApiError(`HTTP ${res.status}`, `The artifact s3://${bucket}/${key} could not be read`);
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
