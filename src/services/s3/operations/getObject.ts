// GetObject (GET /bucket/key) and HeadObject (HEAD: the same headers, no body): a version (latest, or
// ?versionId), conditional requests (If-Match, If-None-Match, If-(Un)Modified-Since), one byte range, and
// the response-* overrides of the answer's headers.
import { pipeline } from 'node:stream/promises';
import { s3err } from '../errors.js';
import { header, type Operation } from '../request.js';
import { baseHeaders, objectHeaders, send } from '../response.js';

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

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

export const getObject: Operation = async (r) => {
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
  // A body the database keeps is answered in one write; a file is streamed.
  const body = r.deps.objects.openBody(v, range);
  r.res.writeHead(status, all);
  if (Buffer.isBuffer(body)) r.res.end(body);
  else await pipeline(body, r.res);
};
