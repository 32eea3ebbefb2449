// SigV4 in the page (WebCrypto), used only when the emulator verifies signatures (--credentials) and
// the user has given an access key for this tab. Header signing for fetch, presigned URLs for
// EventSource (which cannot send headers).
const encoder = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (data) => hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));
async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? encoder.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(data));
}
/** RFC 3986 encoding, as SigV4 wants it. */
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const canonicalQuery = (params) =>
  [...params.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

function times() {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { amzDate, date: amzDate.slice(0, 8) };
}

async function signature(key, region, service, date, amzDate, canonical) {
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${await sha256(canonical)}`;
  let k = await hmac(`AWS4${key.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) k = await hmac(k, part);
  return { scope, signature: hex(await hmac(k, stringToSign)) };
}

/** Headers (lower-case names) signed for a request to this page's host: adds x-amz-date and authorization. */
export async function signedHeaders(key, region, service, { method, path, query = new URLSearchParams(), headers = {}, body = '', unsignedPayload = false }) {
  const { amzDate, date } = times();
  const all = { ...headers, host: location.host, 'x-amz-date': amzDate };
  const payload = unsignedPayload ? 'UNSIGNED-PAYLOAD' : body === '' ? EMPTY : await sha256(body);
  const names = Object.keys(all).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(all).map(([n, v]) => [n.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')]));
  const canonical = [method, path, canonicalQuery(query), names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), payload].join('\n');
  const s = await signature(key, region, service, date, amzDate, canonical);
  const { host: _host, ...rest } = all;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${s.scope}, SignedHeaders=${names.join(';')}, Signature=${s.signature}` };
}

/** A GET URL of this page's host presigned for `expires` seconds. */
export async function presignedUrl(key, region, service, path, query, expires = 3600) {
  const { amzDate, date } = times();
  const q = new URLSearchParams(query);
  q.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  q.set('X-Amz-Credential', `${key.accessKeyId}/${date}/${region}/${service}/aws4_request`);
  q.set('X-Amz-Date', amzDate);
  q.set('X-Amz-Expires', String(expires));
  q.set('X-Amz-SignedHeaders', 'host');
  const canonical = ['GET', path, canonicalQuery(q), `host:${location.host}\n`, 'host', EMPTY].join('\n');
  const s = await signature(key, region, service, date, amzDate, canonical);
  q.set('X-Amz-Signature', s.signature);
  return `${path}?${q}`;
}
