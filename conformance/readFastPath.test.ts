// The router's fast path (src/router.ts createRouter): POST / naming an X-Amz-Target goes straight to
// the JSON 1.1 step. It must be the step the declared chain would pick, and a request it serves, cached
// read or not, passes the same guard (Host, Origin, CORS headers), the same body limit and the same
// signature checks, and gets the same bytes as the uncached answer.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { CreatePipelineCommand, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { headOf, routeChain, type RouterDeps } from '../src/router.js';
import { ACCOUNT, client, jsonOrUndefined, rawCall, useEmulator } from './harness.js';
import { CREDENTIALS, KEY } from './sigv4Kit.js';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import fs from 'node:fs';
import path from 'node:path';

const FIXTURE = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pipelines', 's3-build-approve-deploy.json'), 'utf8')).pipeline;
const twoStages = (name: string) => ({ ...FIXTURE, name });

const TARGET = 'CodePipeline_20150709.';
const AUTH = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0` };
const JSON_STEP = 'JSON 1.1 services by X-Amz-Target';

/** node:http, because fetch will not send a Host of our choosing. */
function viaHost(endpoint: string, host: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { host, 'content-type': 'application/x-amz-json-1.1', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: jsonOrUndefined(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the fast path agrees with the declared chain', () => {
  it('every POST / naming a target is claimed first by the JSON 1.1 step, whatever else it carries', () => {
    const chain = routeChain({} as RouterDeps);
    const heads = [
      { 'x-amz-target': `${TARGET}GetPipeline` },
      { 'x-amz-target': 'CodeBuild_20161006.ListProjects', authorization: AUTH.authorization },
      { 'x-amz-target': 'NoSuchService.Op', 'content-type': 'application/x-www-form-urlencoded' },
      { 'x-amz-target': 'nodot', authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' },
      { 'x-amz-target': '', accept: 'text/html' },
    ];
    for (const headers of heads) {
      const h = headOf({ method: 'POST', url: '/', headers } as unknown as http.IncomingMessage);
      expect(chain.find((s) => s.claims(h))?.name).toBe(JSON_STEP);
    }
  });
});

describe('cached reads on the fast path', () => {
  const h = useEmulator();

  it('a hit answers the bytes of the miss, with its length, type and a request id of its own', async () => {
    await h.cp.send(new CreatePipelineCommand({ pipeline: twoStages('fast-a') }));
    const body = JSON.stringify({ name: 'fast-a' });
    const [miss, hit] = [await rawCall(h.emu.endpoint, `${TARGET}GetPipeline`, body, AUTH), await rawCall(h.emu.endpoint, `${TARGET}GetPipeline`, body, AUTH)];
    expect(hit.status).toBe(200);
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('content-length')).toBe(String(Buffer.byteLength(miss.text)));
    expect(hit.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(hit.headers.get('x-amzn-requestid')).not.toBe(miss.headers.get('x-amzn-requestid'));
    expect((await h.cp.send(new GetPipelineCommand({ name: 'fast-a' }))).pipeline?.name).toBe('fast-a');
  });

  it('a cached read still passes the guard: a foreign Host or Origin is refused, a local page gets its CORS headers', async () => {
    const body = '{}';
    const headers = { 'x-amz-target': `${TARGET}ListPipelines`, ...AUTH };
    expect((await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, body, AUTH)).status).toBe(200);
    expect((await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, body, AUTH)).status).toBe(200);
    const port = new URL(h.emu.endpoint).port;
    const host = await viaHost(h.emu.endpoint, `evil.example:${port}`, headers, body);
    expect([host.status, host.json.__type]).toEqual([403, 'AccessDeniedException']);
    expect(host.json.message).toMatch(/^Host 'evil\.example:\d+' is not allowed/);
    const origin = await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, body, { ...AUTH, origin: 'http://evil.example' });
    expect([origin.status, origin.json.__type]).toEqual([403, 'AccessDeniedException']);
    const local = await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, body, { ...AUTH, origin: 'http://localhost:3000' });
    expect([local.status, local.headers.get('access-control-allow-origin'), local.headers.get('vary')]).toEqual([200, 'http://localhost:3000', 'Origin']);
    const plain = await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, body, AUTH);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the body limit holds on the fast path: 413 in the JSON shape', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    const r = await rawCall(h.emu.endpoint, `${TARGET}GetPipeline`, big, AUTH);
    expect([r.status, r.json.__type]).toEqual([413, 'RequestEntityTooLargeException']);
  });
});

describe('cached reads with every origin allowed', () => {
  const h = useEmulator({ corsOrigins: ['*'] });

  it('a hit carries Access-Control-Allow-Origin: * as the miss does', async () => {
    const [miss, hit] = [await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, '{}', AUTH), await rawCall(h.emu.endpoint, `${TARGET}ListPipelines`, '{}', AUTH)];
    expect([miss.headers.get('access-control-allow-origin'), hit.headers.get('access-control-allow-origin')]).toEqual(['*', '*']);
    expect(hit.text).toBe(miss.text);
  });
});

describe('cached reads with signatures verified', () => {
  const h = useEmulator({ credentials: CREDENTIALS });

  it('the same read, once answered, is refused to an unknown key and to a bad signature', async () => {
    const cp = new CodePipelineClient({ endpoint: h.emu.endpoint, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    await cp.send(new CreatePipelineCommand({ pipeline: twoStages('fast-signed') }));
    for (let i = 0; i < 2; i++) expect((await cp.send(new GetPipelineCommand({ name: 'fast-signed' }))).pipeline?.name).toBe('fast-signed');
    const body = JSON.stringify({ name: 'fast-signed' });
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const unknown = await rawCall(h.emu.endpoint, `${TARGET}GetPipeline`, body, {
      authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/${amzDate.slice(0, 8)}/us-east-1/codepipeline/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': amzDate,
    });
    expect([unknown.status, unknown.json.__type]).toEqual([400, 'UnrecognizedClientException']);
    const forged = await rawCall(h.emu.endpoint, `${TARGET}GetPipeline`, body, {
      authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/codepipeline/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': amzDate,
    });
    expect([forged.status, forged.json.__type]).toEqual([400, 'InvalidSignatureException']);
    // An unsigned client of the same account is not answered from what the signed one read.
    await expect(client(h.emu.endpoint, { accessKeyId: KEY.accountId }).send(new GetPipelineCommand({ name: 'fast-signed' }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    cp.destroy();
  });
});
