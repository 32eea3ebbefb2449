// Hostile and malformed input at the HTTP edge: the API's wire protocol, the S3 store, /_logs, /_events,
// /_local and the webhook receiver, driven through the real endpoint with fetch and raw sockets. Every
// answer is the exact status and error code AWS (or the route's documented shape) gives; after all of
// it the server still answers /_health and nothing was written outside the (file-backed) data folder.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreatePipelineCommand, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { openStreamCount } from '../src/events/stream.js';
import { MAX_UNZIPPED_BYTES, readZip, UnsafeArchiveError } from '../src/util/zip.js';
import { approvalAction, createCustomTypes, pipelineOf, SOURCE_TYPE, succeed, until } from './engineKit.js';
import { ACCOUNT, client, jsonOrUndefined, rawCall, startEmulator } from './harness.js';

const OTHER = '210987654321';
const TARGET = 'CodePipeline_20150709.';
const MiB = 1024 * 1024;

let root: string;
let dataDir: string;
let emu: RunningEmulator;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-edge-'));
  dataDir = path.join(root, 'data');
  emu = await startEmulator({ inMemory: false, dataDir });
});

afterAll(async () => {
  await emu?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closes or `ms` pass. */
function rawHttp(text: string | Buffer, ms = 3000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(emu.port, '127.0.0.1');
    let out = '';
    const done = () => {
      clearTimeout(t);
      s.destroy();
      const at = out.indexOf('\r\n\r\n');
      resolve({ status: out ? Number(out.slice(9, 12)) : 0, head: out.slice(0, at), body: at >= 0 ? out.slice(at + 4) : '' });
    };
    const t = setTimeout(done, ms);
    s.on('data', (d) => (out += d.toString('utf8')));
    s.on('close', done);
    s.on('error', (e) => (out ? done() : reject(e)));
    s.write(text);
  });
}

/** HEAD on its own connection (undici may reuse a connection the server is closing after a HEAD). */
function head(p: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Headers; text: string; json: undefined }>((resolve, reject) => {
    const req = http.request(`${emu.endpoint}${p}`, { method: 'HEAD', headers, agent: false }, (r) => {
      r.resume();
      r.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: r.statusCode!, headers: h, text: '', json: undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function get(method: string, p: string, init: { headers?: Record<string, string>; body?: string | ReadableStream } = {}) {
  if (method === 'HEAD') return head(p, init.headers);
  const res = await fetch(`${emu.endpoint}${p}`, { method, headers: init.headers, body: init.body, ...(init.body instanceof ReadableStream && { duplex: 'half' }) } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
}

const s3Code = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];

/** A request that announces `announced` bytes, sends a little, and waits for the answer (which must not need the rest). */
function announceHuge(method: string, p: string, announced: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
    const req = http.request(`${emu.endpoint}${p}`, { method, headers: { 'content-length': String(announced), ...headers } }, (r) => {
      let text = '';
      r.on('data', (d) => (text += d));
      r.on('end', () => {
        resolve({ status: r.statusCode!, text, connection: r.headers.connection });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('{"partial":');
  });
}

/** Streams a chunked (no Content-Length) body of `total` bytes, for as long as the server reads it. */
function streamHuge(method: string, p: string, total: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${emu.endpoint}${p}`, { method, headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' } }, (r) => {
      let text = '';
      r.on('data', (d) => (text += d));
      r.on('end', () => {
        resolve({ status: r.statusCode!, text });
        req.destroy();
      });
    });
    req.on('error', (e) => ((e as { code?: string }).code === 'ECONNRESET' || (e as { code?: string }).code === 'EPIPE' ? undefined : reject(e)));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('the CodePipeline wire protocol', () => {
  it('answers X-Amz-Target names of Object.prototype with UnknownOperationException, not a 500 or a 200', async () => {
    for (const op of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      const r = await rawCall(emu.endpoint, `${TARGET}${op}`, '{}');
      expect([r.status, r.json?.__type, r.json?.message], op).toEqual([400, 'UnknownOperationException', `Unknown operation ${TARGET}${op}`]);
    }
  });

  it('refuses a credential scope whose region is no region name (it would be recorded with resources)', async () => {
    const scope = encodeURIComponent(`${ACCOUNT}/20260101/\u0101\u0000/codepipeline/aws4_request`);
    const res = await fetch(`${emu.endpoint}/?X-Amz-Credential=${scope}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}ListPipelines` },
      body: '{}',
    });
    expect([res.status, await res.json()]).toEqual([400, { __type: 'InvalidSignatureException', message: 'Credential should be scoped to a valid region.' }]);
    const header = await rawCall(emu.endpoint, `${TARGET}ListPipelines`, '{}', {
      authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/US East 1/codepipeline/aws4_request, SignedHeaders=host, Signature=00`,
    });
    expect([header.status, header.json.__type]).toEqual([400, 'InvalidSignatureException']);
    // Error order: malformed body and unknown operation come first.
    expect((await rawCall(emu.endpoint, `${TARGET}Nope`, '{}', { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/x y/codepipeline/aws4_request` })).json.__type).toBe(
      'UnknownOperationException',
    );
    // Real region names still work.
    expect((await rawCall(emu.endpoint, `${TARGET}ListPipelines`, '{}', { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-gov-west-1/codepipeline/aws4_request` })).status).toBe(200);
  });

  it('answers truncated and duplicated-header requests without a 500', async () => {
    // Duplicate X-Amz-Target headers are joined by Node: no operation has that name.
    const dup = await rawHttp(
      `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: ${TARGET}ListPipelines\r\nX-Amz-Target: ${TARGET}ListPipelines\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect([dup.status, JSON.parse(dup.body).__type]).toEqual([400, 'UnknownOperationException']);
    // A body cut short: the server waits, the client leaves; the server keeps serving.
    const cut = await rawHttp(`POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: ${TARGET}ListPipelines\r\nContent-Length: 50\r\n\r\n{"nextToken":`, 300);
    expect(cut.status).toBe(0);
    expect((await get('GET', '/_health')).status).toBe(200);
  });
});

describe('the S3 store', () => {
  it('refuses a LocationConstraint that is no region name with InvalidLocationConstraint (it was sent back in a header: a 500 on every HeadBucket)', async () => {
    for (const constraint of ['\u0101', 'a'.repeat(5000), 'eu west 1']) {
      const r = await get('PUT', '/bad-constraint', { body: `<CreateBucketConfiguration><LocationConstraint>${constraint}</LocationConstraint></CreateBucketConfiguration>` });
      expect([r.status, s3Code(r.text)], constraint.slice(0, 20)).toEqual([400, 'InvalidLocationConstraint']);
    }
    expect((await get('HEAD', '/bad-constraint')).status).toBe(404);
    const ok = await get('PUT', '/good-constraint', { body: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>' });
    expect(ok.status).toBe(200);
    const head = await get('HEAD', '/good-constraint');
    expect([head.status, head.headers.get('x-amz-bucket-region')]).toEqual([200, 'eu-west-1']);
  });

  it('refuses a credential scope region that is no region name (header or presigned query)', async () => {
    const presigned = await get('PUT', `/scope-bucket?X-Amz-Credential=${encodeURIComponent(`${ACCOUNT}/20260101/\u0101/s3/aws4_request`)}`);
    expect([presigned.status, s3Code(presigned.text)]).toEqual([400, 'AuthorizationQueryParametersError']);
    const header = await get('PUT', '/scope-bucket', { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/\u00e9/s3/aws4_request, SignedHeaders=host, Signature=00` } });
    expect([header.status, s3Code(header.text)]).toEqual([400, 'AuthorizationHeaderMalformed']);
    expect((await get('HEAD', '/scope-bucket')).status).toBe(404);
  });

  it('answers aws-chunked bodies that lie about their sizes with IncompleteBody, and keeps no body of them', async () => {
    expect((await get('PUT', '/chunk-bucket')).status).toBe(200);
    const blobs = () => fs.readdirSync(path.join(dataDir, 's3', 'blobs')).length;
    const before = blobs();
    const put = (body: string, extra: Record<string, string> = {}) =>
      get('PUT', '/chunk-bucket/k', {
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', ...extra },
        body,
      });
    const cases: [string, string, Record<string, string>?][] = [
      ['decoded length longer than the chunks', '5\r\nhello\r\n0\r\n\r\n', { 'x-amz-decoded-content-length': '50' }],
      ['decoded length shorter than the chunks', '5\r\nhello\r\n0\r\n\r\n', { 'x-amz-decoded-content-length': '2' }],
      ['a chunk size larger than its data', '50\r\nhello\r\n0\r\n\r\n'],
      ['a chunk size beyond 2^53', 'ffffffffffffffff\r\nhello\r\n0\r\n\r\n'],
      ['a negative chunk size', '-5\r\nhello\r\n0\r\n\r\n'],
      ['no final chunk', '5\r\nhello\r\n'],
      ['data not ended by CRLF', '5\r\nhelloXX0\r\n\r\n'],
      ['an empty body', ''],
    ];
    for (const [label, body, headers] of cases) {
      const r = await put(body, headers);
      expect([r.status, s3Code(r.text)], label).toEqual([400, 'IncompleteBody']);
    }
    const neg = await put('0\r\n\r\n', { 'x-amz-decoded-content-length': '-1' });
    expect([neg.status, s3Code(neg.text)]).toEqual([400, 'InvalidArgument']);
    expect((await get('HEAD', '/chunk-bucket/k')).status).toBe(404);
    expect(blobs()).toBe(before);
  });

  it('keeps no body of uploads whose client leaves mid-body (plain and aws-chunked)', async () => {
    const blobDir = path.join(dataDir, 's3', 'blobs');
    const before = fs.readdirSync(blobDir).sort();
    for (let i = 0; i < 10; i++) {
      await rawHttp(`PUT /chunk-bucket/cut-${i} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n${'a'.repeat(50_000)}`, 100);
      await rawHttp(
        `PUT /chunk-bucket/cut-chunked-${i} HTTP/1.1\r\nHost: localhost\r\nContent-Encoding: aws-chunked\r\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\nTransfer-Encoding: chunked\r\n\r\n2710\r\nffff\r\n${'a'.repeat(9994)}\r\n`,
        100,
      );
    }
    await until(
      async () => fs.readdirSync(blobDir).sort(),
      (now) => JSON.stringify(now) === JSON.stringify(before),
    );
    expect((await get('HEAD', '/chunk-bucket/cut-0')).status).toBe(404);
  });

  it('answers bad part numbers with InvalidArgument and bad part lists with S3 errors', async () => {
    const init = await get('POST', '/chunk-bucket/multi?uploads');
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1];
    for (const n of ['0', '10001', '-1', 'abc', '1.5', '', '99999999999']) {
      const r = await get('PUT', `/chunk-bucket/multi?uploadId=${uploadId}&partNumber=${n}`, { body: 'x' });
      expect([r.status, s3Code(r.text)], `partNumber=${n}`).toEqual([400, 'InvalidArgument']);
    }
    const part = await get('PUT', `/chunk-bucket/multi?uploadId=${uploadId}&partNumber=2`, { body: 'x' });
    const etag = part.headers.get('etag')!;
    const complete = (xml: string) => get('POST', `/chunk-bucket/multi?uploadId=${uploadId}`, { body: xml });
    const partXml = (n: string, e = etag) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`;
    const expectations: [string, number, string][] = [
      [`<CompleteMultipartUpload>${partXml('2')}${partXml('2')}</CompleteMultipartUpload>`, 400, 'InvalidPartOrder'],
      [`<CompleteMultipartUpload>${partXml('0')}</CompleteMultipartUpload>`, 400, 'InvalidArgument'],
      [`<CompleteMultipartUpload>${partXml('10001')}</CompleteMultipartUpload>`, 400, 'InvalidArgument'],
      [`<CompleteMultipartUpload>${partXml('1')}</CompleteMultipartUpload>`, 400, 'InvalidPart'],
      [`<CompleteMultipartUpload>${partXml('2', '"00"')}</CompleteMultipartUpload>`, 400, 'InvalidPart'],
      [`<CompleteMultipartUpload>${partXml('-2')}</CompleteMultipartUpload>`, 400, 'MalformedXML'],
      ['<CompleteMultipartUpload></CompleteMultipartUpload>', 400, 'MalformedXML'],
      ['<CompleteMultipartUpload><Part>', 400, 'MalformedXML'],
    ];
    for (const [xml, status, code] of expectations) {
      const r = await complete(xml);
      expect([r.status, s3Code(r.text)], xml).toEqual([status, code]);
    }
    const parts = await get('GET', `/chunk-bucket/multi?uploadId=${uploadId}&part-number-marker=x`);
    expect([parts.status, s3Code(parts.text)]).toEqual([400, 'InvalidArgument']);
    expect((await get('DELETE', `/chunk-bucket/multi?uploadId=${uploadId}`)).status).toBe(204);
  });

  it('serves malformed Range headers as S3 does: ignored (200, whole object), or 416 InvalidRange when unsatisfiable', async () => {
    expect((await get('PUT', '/chunk-bucket/ten', { body: '0123456789' })).status).toBe(200);
    for (const range of ['lol', 'bytes=abc', 'bytes=5-2', 'bytes=--1', 'items=0-1', 'bytes=0-1,3-4', 'bytes=']) {
      const r = await get('GET', '/chunk-bucket/ten', { headers: { range } });
      expect([r.status, r.text, r.headers.get('content-range')], range).toEqual([200, '0123456789', null]);
    }
    const tail = await get('GET', '/chunk-bucket/ten', { headers: { range: 'bytes=-99999999999999999999' } });
    expect([tail.status, tail.text, tail.headers.get('content-range')]).toEqual([206, '0123456789', 'bytes 0-9/10']);
    for (const range of ['bytes=10-', 'bytes=99999999999999999999999-', 'bytes=-0']) {
      const r = await get('GET', '/chunk-bucket/ten', { headers: { range } });
      expect([r.status, s3Code(r.text), r.headers.get('content-range')], range).toEqual([416, 'InvalidRange', 'bytes */10']);
    }
    const head = await get('HEAD', '/chunk-bucket/ten', { headers: { range: 'bytes=3-4' } });
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-range')]).toEqual([206, '2', 'bytes 3-4/10']);
  });

  it('keeps odd paths inside the store: traversal, //, encoded NUL and slashes, long and unicode names', async () => {
    const cases: [string, string, number, string][] = [
      ['GET', '/../../etc/passwd', 404, 'NoSuchBucket'],
      ['GET', '/chunk-bucket/..%2f..%2f..%2fetc%2fpasswd', 404, 'NoSuchKey'],
      ['GET', '/chunk-bucket%2Ften', 404, 'NoSuchBucket'],
      ['PUT', '/chunk-bucket/a%00b', 400, 'InvalidArgument'],
      ['GET', '/%00', 404, 'NoSuchBucket'],
      ['PUT', '/b%C3%A9b%C3%A9', 400, 'InvalidBucketName'],
      ['PUT', `/${'b'.repeat(64)}`, 400, 'InvalidBucketName'],
      ['PUT', `/chunk-bucket/${encodeURIComponent('\u00e9'.repeat(600))}`, 400, 'KeyTooLongError'],
      ['GET', '/chunk-bucket/%E0%A4%A', 400, 'InvalidURI'],
      ['PUT', '/chunk-bucket/copy', 400, 'InvalidArgument'],
    ];
    for (const [method, p, status, code] of cases) {
      const headers: Record<string, string> = p.endsWith('/copy') ? { 'x-amz-copy-source': 'chunk-bucket' } : {};
      const r = await get(method, p, { headers, ...(method === 'PUT' && { body: 'x' }) });
      expect([r.status, s3Code(r.text)], `${method} ${p.slice(0, 60)}`).toEqual([status, code]);
    }
    // `..` and a unicode key are just keys, stored under opaque names.
    // (Raw: fetch would resolve the dot segment.)
    expect((await rawHttp('PUT /chunk-bucket/.. HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndots')).status).toBe(200);
    expect((await rawHttp('GET /chunk-bucket/.. HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).body).toBe('dots');
    expect((await get('PUT', `/chunk-bucket/${encodeURIComponent('\u{1F600}/\u00e9')}`, { body: 'u' })).status).toBe(200);
    // A copy source that names a path out of the store is a key that does not exist.
    const copy = await get('PUT', '/chunk-bucket/copied', { headers: { 'x-amz-copy-source': '/chunk-bucket/../../../etc/passwd' } });
    expect([copy.status, s3Code(copy.text)]).toEqual([404, 'NoSuchKey']);
  });
});

describe('emulator routes', () => {
  let approvalId: string;

  beforeAll(async () => {
    const cp = client(emu.endpoint);
    await createCustomTypes(cp);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('edge-logs', [{ name: 'Review', actions: [approvalAction('Gate', { configuration: { CustomData: '<script>alert(1)</script> & "x"' } })] }]),
      }),
    );
    await succeed(cp, SOURCE_TYPE, { Repo: 'edge-logs' });
    const details = await until(
      () => cp.send(new ListActionExecutionsCommand({ pipelineName: 'edge-logs' })),
      (d) => !!d.actionExecutionDetails?.some((a) => a.actionName === 'Gate'),
    );
    approvalId = details.actionExecutionDetails!.find((a) => a.actionName === 'Gate')!.actionExecutionId!;
  });

  it('/_logs: traversal, NULs, bad ids and other accounts get the 404 of an unknown id', async () => {
    const notFound = ['/_logs/..%2f..%2fetc%2fpasswd', '/_logs/%00', '/_logs/%E0%A4%A', `/_logs/${approvalId.toUpperCase()}`, `/_logs/${approvalId}%00`];
    for (const p of notFound) {
      const r = await get('GET', p);
      expect(r.status, p).toBe(404);
    }
    const other = [
      `/_logs/${approvalId}?account=${OTHER}`,
      `/_logs/${approvalId}?account=${OTHER}&account=${ACCOUNT}`,
      `/_logs/${approvalId}?X-Amz-Credential=${OTHER}%2F20260101%2Fus-east-1%2Fcodepipeline%2Faws4_request`,
    ];
    for (const p of other) {
      const r = await get('GET', p);
      expect([r.status, r.text], p).toEqual([404, `No log for action execution ${approvalId}\n`]);
    }
    const byHeader = await get('GET', `/_logs/${approvalId}`, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${OTHER}/20260101/us-east-1/codepipeline/aws4_request` } });
    expect([byHeader.status, byHeader.text]).toEqual([404, `No log for action execution ${approvalId}\n`]);
    const own = await get('GET', `/_logs/${approvalId}?account=${ACCOUNT}`);
    expect([own.status, own.headers.get('content-type')]).toEqual([200, 'text/plain; charset=utf-8']);
    expect(own.text).toContain('<script>alert(1)</script> & "x"');
    const page = await get('GET', `/_logs/${approvalId}?format=html`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(page.text).not.toContain('<script>');
    const badFormat = await get('GET', `/_logs/${approvalId}?format=%3Cb%3E`);
    expect([badFormat.status, badFormat.headers.get('content-type')]).toEqual([400, 'text/plain; charset=UTF-8']);
  });

  it('HEAD and OPTIONS on every route: no 500, CORS preflights from local pages answered', async () => {
    const paths = [
      '/',
      '/_health',
      '/_events?pipeline=edge-logs',
      '/_events/stream?pipeline=nope',
      `/_logs/${approvalId}`,
      '/_local/simulated',
      '/_local/simulated/stacks',
      '/_local/simulation/alarm/a',
      '/_local/pull-request',
      '/webhooks/trigger?t=x',
      '/_nothing',
      '/chunk-bucket/ten',
    ];
    for (const p of paths) {
      const head = await get('HEAD', p);
      expect(head.status, `HEAD ${p}`).toBeLessThan(500);
      const pre = await get('OPTIONS', p, { headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PUT' } });
      expect([pre.status, pre.headers.get('access-control-allow-origin')], `OPTIONS ${p}`).toEqual([204, 'http://localhost:3000']);
    }
  });

  it('wrong methods on emulator routes are UnknownOperationException 404s', async () => {
    for (const [method, p] of [
      ['POST', '/_health'],
      ['DELETE', '/_events'],
      ['PUT', '/webhooks/trigger'],
      ['GET', '/webhooks/trigger'],
      ['DELETE', '/_local/simulation/alarm/a'],
      ['GET', '/_local/pull-request'],
    ]) {
      const r = await get(method, p, method === 'PUT' ? { body: '{}' } : {});
      expect([r.status, r.json?.__type], `${method} ${p}`).toEqual([404, 'UnknownOperationException']);
    }
  });

  it('/_local: bad JSON, bad names and scopes get JSON errors', async () => {
    const cases: [string, string, string | undefined, number, string][] = [
      ['PUT', '/_local/simulation/alarm/a', '{{{', 400, 'SerializationException'],
      ['PUT', '/_local/simulation/alarm/a', '', 400, 'SerializationException'],
      ['PUT', '/_local/simulation/alarm/a', 'null', 400, 'ValidationException'],
      ['PUT', '/_local/simulation/alarm/a', '[]', 400, 'ValidationException'],
      ['PUT', '/_local/simulation/alarm/a', '{"state":"ALARM","__proto__":{}}', 400, 'ValidationException'],
      ['PUT', '/_local/simulation/lambda/a', '{"status":"Failed","summary":5}', 400, 'ValidationException'],
      ['PUT', '/_local/simulation/alarm/a%00b', '{"state":"ALARM"}', 400, 'ValidationException'],
      ['PUT', `/_local/simulation/alarm/${'n'.repeat(256)}`, '{"state":"ALARM"}', 400, 'ValidationException'],
      ['PUT', '/_local/simulation/alarm/a?region=..%2F..', '{"state":"ALARM"}', 400, 'ValidationException'],
      ['GET', '/_local/simulated?account=1', undefined, 400, 'ValidationException'],
      ['GET', '/_local/simulated/__proto__', undefined, 404, 'ResourceNotFoundException'],
      ['GET', '/_local/simulated/constructor', undefined, 404, 'ResourceNotFoundException'],
      ['POST', '/_local/pull-request', 'xxx', 400, 'SerializationException'],
      ['POST', '/_local/pull-request', '[]', 400, 'ValidationException'],
      ['POST', '/_local/pull-request', '{"FullRepositoryId":5,"event":{},"sourceBranch":[],"destinationBranch":null}', 400, 'ValidationException'],
      ['POST', '/_local/pull-request?account=abc', '{}', 400, 'ValidationException'],
    ];
    for (const [method, p, body, status, type] of cases) {
      const r = await get(method, p, { headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body }) });
      expect([r.status, r.json?.__type], `${method} ${p.slice(0, 60)} ${body}`).toEqual([status, type]);
    }
  });

  it('webhooks and /_local answer 413 for a body over 5 MiB without reading it into memory', async () => {
    for (const [method, p] of [
      ['POST', '/webhooks/trigger?t=abc&v=1'],
      ['PUT', '/_local/simulation/alarm/a'],
      ['POST', '/_local/pull-request'],
    ]) {
      // Announced: answered at once, the connection closed.
      const announced = await announceHuge(method, p, 2 * 1024 * MiB);
      expect([announced.status, JSON.parse(announced.text).__type, announced.connection], `${method} ${p}`).toEqual([413, 'RequestEntityTooLargeException', 'close']);
      // Streamed without a length: cut off once past the limit.
      const streamed = await streamHuge(method, p, 8 * MiB);
      expect([streamed.status, JSON.parse(streamed.text).__type], `${method} ${p} (chunked)`).toEqual([413, 'RequestEntityTooLargeException']);
    }
    // Under the limit, the webhook receiver still reads the body (non-JSON, unknown token).
    const small = await get('POST', '/webhooks/trigger?t=abc&v=1', { body: 'not json' });
    expect([small.status, small.json.__type]).toEqual([404, 'WebhookNotFoundException']);
    const chunkedSmall = await get('PUT', '/_local/simulation/alarm/streamed', { body: new Blob(['{"state":"OK"}']).stream(), headers: { 'content-type': 'application/json' } });
    expect([chunkedSmall.status, chunkedSmall.json?.state]).toEqual([200, 'OK']);
  });

  it('a client that leaves mid-body is no server error, and the server keeps serving', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await rawHttp(`PUT /_local/simulation/alarm/cut HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"state"`, 100);
      expect(r.status).toBe(0);
    }
    expect((await get('GET', '/_health')).status).toBe(200);
    expect((await get('GET', `/_local/simulation/alarm/cut?account=000000000000`)).status).toBe(404);
  });

  it('/_events and /_events/stream: bad parameters are 400, unknown pipelines 404', async () => {
    const q = `account=${ACCOUNT}&region=us-east-1`;
    const cases: [string, Record<string, string>, number, string][] = [
      [`/_events?${q}`, {}, 400, 'ValidationException'],
      [`/_events?${q}&pipeline=edge-logs&limit=0`, {}, 400, 'ValidationException'],
      [`/_events?${q}&pipeline=edge-logs&limit=99999999999999999999`, {}, 400, 'ValidationException'],
      [`/_events?${q}&pipeline=edge-logs&after=-1`, {}, 400, 'ValidationException'],
      [`/_events?account=../..&pipeline=edge-logs`, {}, 400, 'ValidationException'],
      [`/_events?${q}&pipeline=%E0%A4%A`, {}, 404, 'PipelineNotFoundException'],
      [`/_events?account=${OTHER}&pipeline=edge-logs`, {}, 404, 'PipelineNotFoundException'],
      [`/_events/stream?${q}&pipeline=edge-logs`, { 'last-event-id': 'x' }, 400, 'ValidationException'],
      [`/_events/stream?${q}&pipeline=nope`, {}, 404, 'PipelineNotFoundException'],
    ];
    for (const [p, headers, status, type] of cases) {
      const r = await get('GET', p, { headers });
      expect([r.status, r.json?.__type], p).toEqual([status, type]);
    }
  });

  it('/_events/stream opened and dropped 50 times leaves no stream or listener behind', async () => {
    const url = `${emu.endpoint}/_events/stream?pipeline=edge-logs&account=${ACCOUNT}&region=us-east-1`;
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((resolve) => {
        const req = http.get(url, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => resolve());
      });
    }
    // Dropped before any answer, too.
    for (let i = 0; i < 50; i++) {
      const s = net.connect(emu.port, '127.0.0.1');
      s.write(`GET /_events/stream?pipeline=edge-logs&account=${ACCOUNT}&region=us-east-1 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      s.destroy();
    }
    await until(
      async () => openStreamCount(),
      (n) => n === 0,
    );
    expect((emu.store.events as unknown as { listeners: Set<unknown> }).listeners.size).toBeLessThanOrEqual(2);
  });

  it('still answers /_health, and nothing was written outside the data folder', async () => {
    const health = await get('GET', '/_health');
    expect([health.status, health.json.status]).toEqual([200, 'ok']);
    expect(fs.readdirSync(root)).toEqual(['data']);
    expect(emu.store.location).toBe(path.join(dataDir, 'codepipeline-local.sqlite'));
  });
});

describe('zip archives of artifacts', () => {
  it('refuses entries naming the folder itself or holding a NUL', () => {
    for (const name of ['.', 'a/..', 'a\u0000b']) expect(() => readZip(zipSync({ [name]: new Uint8Array([1]) })), JSON.stringify(name)).toThrow(UnsafeArchiveError);
  });

  it('refuses a zip that unpacks to more than the limit, before inflating it', () => {
    // Two entries whose central directory declares 4 GiB - 16 bytes each (what a zip bomb declares).
    const zip = zipSync({ a: new Uint8Array(1024), b: new Uint8Array(1024) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let patched = 0;
    for (let at = 0; at + 46 <= zip.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      view.setUint32(at + 24, 0xfffffff0, true);
      patched++;
    }
    expect(patched).toBe(2);
    expect(() => readZip(zip)).toThrow(new UnsafeArchiveError(`the zip unpacks to more than ${MAX_UNZIPPED_BYTES} bytes`));
    // Within the limit, as before.
    expect(readZip(zipSync({ a: new Uint8Array(1024) })).get('a')).toEqual(new Uint8Array(1024));
  });
});
