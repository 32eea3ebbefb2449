// Who may talk to the emulator (src/protocol/requestGuard.ts): web pages only from local origins (or
// --cors-origins), requests only addressed to local host names (or --allowed-hosts), so no web page and
// no DNS rebinding can make it run code. Clients that send no Origin (CLI, SDKs, GitHub webhooks) are
// unaffected. Also: URLs it hands out follow its public URL, never the request's Host, and answers name
// no local folder.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ListWebhooksCommand,
  PutWebhookCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { approvalAction, createCustomTypes, pipelineOf, until } from './engineKit.js';
import { git } from './gitKit.js';
import { ACCOUNT, jsonOrUndefined, useEmulator } from './harness.js';
import { killEntry, startEntry, type Entry } from './scripts/entry.js';

const EVIL = 'http://evil.example';
const TARGET = 'CodePipeline_20150709.';
const JSON_11 = 'application/x-amz-json-1.1';
/** An unsigned credential scope naming the test account (signatures are not verified). */
const AUTH = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=00` };
const LOCAL_ORIGINS = ['http://localhost:3000', 'https://localhost', 'http://127.0.0.1:8080', 'http://[::1]:5173', 'http://app.localhost:3000', 'https://ui.dev.localhost'];

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
}

const listPipelines = (endpoint: string, headers: Record<string, string> = {}) =>
  call(`${endpoint}/`, { method: 'POST', headers: { 'content-type': JSON_11, 'x-amz-target': `${TARGET}ListPipelines`, ...headers }, body: '{}' });

/** node:http, because fetch will not send a Host of our choosing. */
function viaHost(endpoint: string, host: string, method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<Omit<Answer, 'headers'> & { headers: http.IncomingHttpHeaders }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: p, headers: { host, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: jsonOrUndefined(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const allowHeaders = (h: Headers) => [...h.keys()].filter((k) => k.startsWith('access-control-'));

const ORIGIN_REFUSED = (origin: string) =>
  `Origin '${origin}' is not allowed: codepipeline-local serves web pages only from local origins (localhost, 127.0.0.1, [::1], *.localhost) and those given with --cors-origins`;
const HOST_REFUSED = (host: string) =>
  `Host '${host}' is not allowed: codepipeline-local answers requests addressed to a loopback name or address, its listen address, or a name given with --allowed-hosts (this stops DNS rebinding)`;

const s3Error = (text: string) => ({ code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] });
const unescapeXml = (s: string | undefined) => s?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('web pages of other sites', () => {
  const t = useEmulator();

  it('the reported attack: buckets, a source zip and a pipeline from evil.example are all refused; nothing is created', async () => {
    const h = { origin: EVIL };
    expect((await call(`${t.emu.endpoint}/attack-source`, { method: 'PUT', headers: h })).status).toBe(403);
    expect((await call(`${t.emu.endpoint}/attack-source/src.zip`, { method: 'PUT', headers: { ...h, 'content-type': 'application/zip' }, body: 'PK' })).status).toBe(403);
    const create = await call(`${t.emu.endpoint}/`, {
      method: 'POST',
      headers: { ...h, 'content-type': JSON_11, 'x-amz-target': `${TARGET}CreatePipeline` },
      body: JSON.stringify({ pipeline: pipelineOf('attack', [{ name: 'Approve', actions: [approvalAction()] }]) }),
    });
    expect([create.status, create.json]).toEqual([403, { __type: 'AccessDeniedException', message: ORIGIN_REFUSED(EVIL) }]);
    expect((await t.cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    expect((await call(`${t.emu.endpoint}/attack-source`)).status).toBe(404);
  });

  it('every route family answers 403 in its own error shape, with no CORS headers', async () => {
    const api = await listPipelines(t.emu.endpoint, { origin: EVIL });
    expect([api.status, api.headers.get('content-type'), api.headers.get('x-amzn-errortype'), api.json]).toEqual([
      403,
      JSON_11,
      'AccessDeniedException',
      { __type: 'AccessDeniedException', message: ORIGIN_REFUSED(EVIL) },
    ]);
    expect(allowHeaders(api.headers)).toEqual([]);

    for (const [method, p] of [
      ['GET', '/'],
      ['GET', '/some-bucket'],
      ['PUT', '/some-bucket/key'],
      ['DELETE', '/some-bucket/key'],
    ]) {
      const s3 = await call(`${t.emu.endpoint}${p}`, { method, headers: { origin: EVIL } });
      expect([s3.status, s3.headers.get('content-type'), s3Error(s3.text).code], `${method} ${p}`).toEqual([403, 'application/xml', 'AccessDenied']);
      expect(unescapeXml(s3Error(s3.text).message)).toBe(ORIGIN_REFUSED(EVIL));
      expect(allowHeaders(s3.headers), `${method} ${p}`).toEqual([]);
    }

    for (const [method, p] of [
      ['GET', '/_health'],
      ['GET', '/_logs/00000000-0000-0000-0000-000000000000'],
      ['GET', '/_events?pipeline=x'],
      ['GET', '/_events/stream?pipeline=x'],
      ['GET', '/_local/simulated'],
      ['PUT', '/_local/simulation/alarm/a'],
      ['POST', '/_local/pull-request'],
      ['POST', '/webhooks/trigger?t=x&v=1'],
      ['GET', '/_nothing'],
    ]) {
      const r = await call(`${t.emu.endpoint}${p}`, { method, headers: { origin: EVIL }, ...(method !== 'GET' && { body: '{}' }) });
      expect([r.status, r.headers.get('content-type'), r.json], `${method} ${p}`).toEqual([
        403,
        'application/json',
        { __type: 'AccessDeniedException', message: ORIGIN_REFUSED(EVIL) },
      ]);
      expect(allowHeaders(r.headers), `${method} ${p}`).toEqual([]);
    }
  });

  it('Origin: null (sandboxed frames, file:// pages) and non-http origins are not local', async () => {
    for (const origin of ['null', 'file://', 'chrome-extension://abcdef', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io', 'http://[::2]']) {
      const r = await listPipelines(t.emu.endpoint, { origin });
      expect([r.status, r.json?.__type], origin).toEqual([403, 'AccessDeniedException']);
    }
  });

  it('a preflight from another site gets 403 and no Access-Control-Allow-* headers, on every route family', async () => {
    for (const p of ['/', '/some-bucket/key', '/_health', '/_logs/x', '/_local/pull-request', '/webhooks/trigger?t=x']) {
      const pre = await call(`${t.emu.endpoint}${p}`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type' },
      });
      expect(pre.status, p).toBe(403);
      expect(allowHeaders(pre.headers), p).toEqual([]);
    }
  });

  it('local pages and the emulator’s own origin pass, their origin echoed (with Vary: Origin), never *', async () => {
    for (const origin of [...LOCAL_ORIGINS, t.emu.endpoint]) {
      const pre = await call(`${t.emu.endpoint}/`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type' },
      });
      expect([pre.status, pre.headers.get('access-control-allow-origin'), pre.headers.get('vary')], origin).toEqual([204, origin, 'Origin']);
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      expect(pre.headers.get('access-control-allow-headers')).toContain('x-amz-target');
      const api = await listPipelines(t.emu.endpoint, { origin });
      expect([api.status, api.json, api.headers.get('access-control-allow-origin'), api.headers.get('vary')], origin).toEqual([200, { pipelines: [] }, origin, 'Origin']);
      expect(api.headers.get('access-control-expose-headers')).toContain('x-amzn-requestid');
    }
    // S3 and the emulator's own routes echo it the same way.
    const s3 = await call(`${t.emu.endpoint}/`, { headers: { origin: 'http://localhost:3000' } });
    expect([s3.status, s3.headers.get('access-control-allow-origin')]).toEqual([200, 'http://localhost:3000']);
    expect(s3.headers.get('access-control-expose-headers')).toContain('etag');
    const health = await call(`${t.emu.endpoint}/_health`, { headers: { origin: 'http://127.0.0.1:8080' } });
    expect([health.status, health.headers.get('access-control-allow-origin')]).toEqual([200, 'http://127.0.0.1:8080']);
  });

  it('clients that send no Origin (CLI, SDKs) are served as before, without CORS headers', async () => {
    expect((await t.cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    const api = await listPipelines(t.emu.endpoint);
    expect([api.status, allowHeaders(api.headers)]).toEqual([200, []]);
    const s3 = await call(`${t.emu.endpoint}/`);
    expect([s3.status, allowHeaders(s3.headers)]).toEqual([200, []]);
  });
});

describe('simple requests (no preflight) from another site do nothing', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-origins-'));
  const CONNECTION = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/11111111-2222-3333-4444-555555555555`;
  // Before the emulator starts (registered first): a repository with a feature branch, for the simulated pull request.
  beforeAll(() => {
    const repo = path.join(tmp, 'data', 'git', 'acme', 'app');
    fs.mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(repo, 'src'));
    fs.writeFileSync(path.join(repo, 'README.md'), 'start\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'initial');
    git(repo, 'checkout', '-q', '-b', 'feature');
    fs.writeFileSync(path.join(repo, 'src', 'f.js'), 'f\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'feature');
    git(repo, 'checkout', '-q', 'main');
  });
  const t = useEmulator({
    dataDir: path.join(tmp, 'data'),
    inMemory: false,
    setup: createCustomTypes,
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const plain = { origin: EVIL, 'content-type': 'text/plain' };
  const executions = async (cp: CodePipelineClient, name: string) => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];

  it('POST /bucket?delete deletes nothing', async () => {
    expect((await call(`${t.emu.endpoint}/keep-bucket`, { method: 'PUT' })).status).toBe(200);
    expect((await call(`${t.emu.endpoint}/keep-bucket/precious.txt`, { method: 'PUT', body: 'precious' })).status).toBe(200);
    const body = '<Delete><Object><Key>precious.txt</Key></Object></Delete>';
    const evil = await call(`${t.emu.endpoint}/keep-bucket?delete`, { method: 'POST', headers: plain, body });
    expect([evil.status, s3Error(evil.text).code]).toEqual([403, 'AccessDenied']);
    expect((await call(`${t.emu.endpoint}/keep-bucket/precious.txt`)).text).toBe('precious');
    // The same request without the page's Origin is a valid DeleteObjects.
    expect((await call(`${t.emu.endpoint}/keep-bucket?delete`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status).toBe(200);
    expect((await call(`${t.emu.endpoint}/keep-bucket/precious.txt`)).status).toBe(404);
  });

  it('POST /bucket/key?uploads starts no multipart upload', async () => {
    const uploads = () => (t.emu.store.db.prepare('SELECT count(*) AS n FROM s3_uploads').get() as { n: number }).n;
    expect((await call(`${t.emu.endpoint}/upload-bucket`, { method: 'PUT' })).status).toBe(200);
    const evil = await call(`${t.emu.endpoint}/upload-bucket/big.bin?uploads`, { method: 'POST', headers: plain });
    expect([evil.status, s3Error(evil.text).code, evil.text.includes('<UploadId>')]).toEqual([403, 'AccessDenied', false]);
    expect(uploads()).toBe(0);
    const own = await call(`${t.emu.endpoint}/upload-bucket/big.bin?uploads`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect([own.status, own.text.includes('<UploadId>'), uploads()]).toEqual([200, true, 1]);
  });

  it('POST /webhooks/... starts no execution (a sender without Origin, as GitHub, still does)', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('hooked', [{ name: 'Approve', actions: [approvalAction()] }]) }));
    const { webhook } = await t.cp.send(
      new PutWebhookCommand({ webhook: { name: 'hooked-hook', targetPipeline: 'hooked', targetAction: 'Source', authentication: 'UNAUTHENTICATED', authenticationConfiguration: {}, filters: [{ jsonPath: '$.ref' }] } }),
    );
    expect(await executions(t.cp, 'hooked')).toHaveLength(1);
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const evil = await call(webhook!.url!, { method: 'POST', headers: plain, body });
    expect([evil.status, evil.json?.__type]).toEqual([403, 'AccessDeniedException']);
    expect(await executions(t.cp, 'hooked')).toHaveLength(1);
    const github = await call(webhook!.url!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body });
    expect([github.status, github.json.message]).toEqual([200, 'The pipeline was started']);
    expect(await executions(t.cp, 'hooked')).toHaveLength(2);
  });

  it('POST /_local/pull-request starts no execution', async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: 'pr',
          pipelineType: 'V2',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
          artifactStore: { type: 'S3', location: 'pr-artifacts' },
          stages: [
            {
              name: 'Source',
              actions: [
                {
                  name: 'Source',
                  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
                  configuration: { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/app', BranchName: 'main' },
                  outputArtifacts: [{ name: 'SourceOut' }],
                },
              ],
            },
            { name: 'Approve', actions: [approvalAction()] },
          ],
          triggers: [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', pullRequest: [{ events: ['OPEN'], branches: { includes: ['main'] } }] } }],
        },
      }),
    );
    await until(() => executions(t.cp, 'pr'), (l) => l.length === 1);
    const body = JSON.stringify({ FullRepositoryId: 'acme/app', event: 'OPEN', sourceBranch: 'feature', destinationBranch: 'main' });
    const url = `${t.emu.endpoint}/_local/pull-request?account=${ACCOUNT}&region=us-east-1`;
    const evil = await call(url, { method: 'POST', headers: plain, body });
    expect([evil.status, evil.json?.__type]).toEqual([403, 'AccessDeniedException']);
    expect(await executions(t.cp, 'pr')).toHaveLength(1);
    const own = await call(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect([own.status, own.json.started]).toEqual([200, [{ pipelineName: 'pr', pipelineExecutionId: expect.any(String) }]]);
    expect(await executions(t.cp, 'pr')).toHaveLength(2);
  });

  it('/_health names the store file, not where the data folder is', async () => {
    const health = await call(`${t.emu.endpoint}/_health`);
    expect(health.json).toMatchObject({ status: 'ok', store: 'codepipeline-local.sqlite' });
    expect(health.text).not.toContain(tmp);
    expect(health.text).not.toContain(os.homedir());
  });
});

describe('--cors-origins', () => {
  describe('an extra origin', () => {
    const t = useEmulator({ corsOrigins: ['http://dev.example:3000'] });
    it('is served with its origin echoed; the same host on another port is not', async () => {
      const ok = await listPipelines(t.emu.endpoint, { origin: 'http://dev.example:3000' });
      expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([200, 'http://dev.example:3000']);
      expect((await listPipelines(t.emu.endpoint, { origin: 'http://dev.example:3001' })).status).toBe(403);
      expect((await listPipelines(t.emu.endpoint, { origin: EVIL })).status).toBe(403);
      expect((await listPipelines(t.emu.endpoint, { origin: 'http://localhost:1' })).status).toBe(200);
    });
  });

  describe("'*'", () => {
    const t = useEmulator({ corsOrigins: ['*'] });
    it('restores the old behaviour: every origin served with Access-Control-Allow-Origin *', async () => {
      const api = await listPipelines(t.emu.endpoint, { origin: EVIL });
      expect([api.status, api.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
      const pre = await call(`${t.emu.endpoint}/some-bucket/key`, { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'PUT' } });
      expect([pre.status, pre.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
      const noOrigin = await call(`${t.emu.endpoint}/_health`);
      expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
    });
  });
});

describe('the Host header (DNS rebinding)', () => {
  const t = useEmulator();
  const port = () => new URL(t.emu.endpoint).port;

  it('a name that is not local gets 403 on every route family', async () => {
    const host = `evil.example:${port()}`;
    const api = await viaHost(t.emu.endpoint, host, 'POST', '/', { 'content-type': JSON_11, 'x-amz-target': `${TARGET}ListPipelines` }, '{}');
    expect([api.status, api.headers['content-type'], api.json]).toEqual([403, JSON_11, { __type: 'AccessDeniedException', message: HOST_REFUSED(host) }]);
    const s3 = await viaHost(t.emu.endpoint, host, 'GET', '/');
    expect([s3.status, s3Error(s3.text).code, unescapeXml(s3Error(s3.text).message)]).toEqual([403, 'AccessDenied', HOST_REFUSED(host)]);
    for (const [method, p] of [
      ['GET', '/_health'],
      ['GET', '/_logs/00000000-0000-0000-0000-000000000000'],
      ['GET', '/_events?pipeline=x'],
      ['POST', '/webhooks/trigger?t=x&v=1'],
      ['GET', '/_local/simulated'],
    ]) {
      const r = await viaHost(t.emu.endpoint, host, method, p, { origin: `http://${host}` }, method === 'POST' ? '{}' : undefined);
      expect([r.status, r.headers['content-type'], r.json], `${method} ${p}`).toEqual([403, 'application/json', { __type: 'AccessDeniedException', message: HOST_REFUSED(host) }]);
      expect(Object.keys(r.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
    for (const bad of ['evil.example', 'localhost@evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]']) {
      expect((await viaHost(t.emu.endpoint, bad, 'GET', '/_health')).status, bad).toBe(403);
    }
  });

  it('loopback names and addresses pass, on any port', async () => {
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`, 'localhost', `app.localhost:${port()}`, '127.0.0.2:80', 'LOCALHOST.']) {
      const r = await viaHost(t.emu.endpoint, host, 'GET', '/_health');
      expect([r.status, r.json?.status], host).toEqual([200, 'ok']);
    }
    const api = await viaHost(t.emu.endpoint, `localhost:${port()}`, 'POST', '/', { 'content-type': JSON_11, 'x-amz-target': `${TARGET}ListPipelines` }, '{}');
    expect([api.status, api.json]).toEqual([200, { pipelines: [] }]);
  });
});

describe('--allowed-hosts and the URLs the emulator hands out', () => {
  const t = useEmulator({ allowedHosts: ['codepipeline'], setup: createCustomTypes });

  it('lets Host: codepipeline:4596 through (a docker compose service), and its own pages as their origin', async () => {
    const api = await viaHost(t.emu.endpoint, 'codepipeline:4596', 'POST', '/', { 'content-type': JSON_11, 'x-amz-target': `${TARGET}ListPipelines` }, '{}');
    expect([api.status, api.json]).toEqual([200, { pipelines: [] }]);
    const own = await viaHost(t.emu.endpoint, 'codepipeline:4596', 'GET', '/_health', { origin: 'http://codepipeline:4596' });
    expect([own.status, own.headers['access-control-allow-origin']]).toEqual([200, 'http://codepipeline:4596']);
    const otherPort = await viaHost(t.emu.endpoint, 'codepipeline:4596', 'GET', '/_health', { origin: 'http://codepipeline:8080' });
    expect(otherPort.status).toBe(403);
    expect((await viaHost(t.emu.endpoint, 'other:4596', 'GET', '/_health')).status).toBe(403);
  });

  it('PutWebhook through another host name stores and lists the public URL, not that Host', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('via-host', [{ name: 'Approve', actions: [approvalAction()] }]) }));
    const body = JSON.stringify({
      webhook: { name: 'via-host-hook', targetPipeline: 'via-host', targetAction: 'Source', authentication: 'UNAUTHENTICATED', authenticationConfiguration: {}, filters: [{ jsonPath: '$.ref' }] },
    });
    const put = await viaHost(t.emu.endpoint, 'codepipeline:4596', 'POST', '/', { 'content-type': JSON_11, 'x-amz-target': `${TARGET}PutWebhook`, ...AUTH }, body);
    expect([put.status, put.json.__type]).toEqual([200, undefined]);
    const trigger = new RegExp(`^${t.emu.endpoint}/webhooks/trigger\\?t=[A-Za-z0-9_-]+&v=1$`);
    expect(put.json.webhook.url).toMatch(trigger);
    expect((await t.cp.send(new ListWebhooksCommand({}))).webhooks!.map((w) => w.url)).toEqual([put.json.webhook.url]);
    const listed = await viaHost(t.emu.endpoint, 'codepipeline:4596', 'POST', '/', { 'content-type': JSON_11, 'x-amz-target': `${TARGET}ListWebhooks`, ...AUTH }, '{}');
    expect(listed.json.webhooks.map((w: { url: string }) => w.url)).toEqual([put.json.webhook.url]);
  });
});

describe('--public-url', () => {
  const t = useEmulator({ publicUrl: 'http://pipelines.test:8080/', setup: createCustomTypes });

  it('webhook URLs are on it; its host name and origin are the emulator’s own', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('public', [{ name: 'Approve', actions: [approvalAction()] }]) }));
    const { webhook } = await t.cp.send(
      new PutWebhookCommand({ webhook: { name: 'public-hook', targetPipeline: 'public', targetAction: 'Source', authentication: 'UNAUTHENTICATED', authenticationConfiguration: {}, filters: [{ jsonPath: '$.ref' }] } }),
    );
    expect(webhook!.url).toMatch(/^http:\/\/pipelines\.test:8080\/webhooks\/trigger\?t=[A-Za-z0-9_-]+&v=1$/);
    // Reached through it (a proxy forwarding the Host), the webhook works.
    const hook = await viaHost(t.emu.endpoint, 'pipelines.test:8080', 'POST', new URL(webhook!.url!).pathname + new URL(webhook!.url!).search, { 'content-type': 'application/json' }, '{"ref":"x"}');
    expect([hook.status, hook.json.message]).toEqual([200, 'The pipeline was started']);
    const page = await listPipelines(t.emu.endpoint, { origin: 'http://pipelines.test:8080' });
    expect([page.status, page.headers.get('access-control-allow-origin')]).toEqual([200, 'http://pipelines.test:8080']);
  });

  it('action log URLs are on it', async () => {
    const s3Source = { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' } as const;
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: {
          ...pipelineOf('public-logs', [{ name: 'Approve', actions: [approvalAction()] }]),
          stages: [
            { name: 'Source', actions: [{ name: 'Source', actionTypeId: s3Source, configuration: { S3Bucket: 'no-such-bucket', S3ObjectKey: 'a.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'SourceOut' }] }] },
            { name: 'Approve', actions: [approvalAction()] },
          ],
        },
      }),
    );
    const details = await until(
      async () => (await t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'public-logs' }))).actionExecutionDetails ?? [],
      (l) => l.some((d) => d.status === 'Failed'),
    );
    expect(details[0].output!.executionResult!.externalExecutionUrl).toMatch(/^http:\/\/pipelines\.test:8080\/_logs\/[0-9a-f-]{36}$/);
  });
});

describe('the CLI entry', () => {
  let entry: Entry | undefined;
  afterAll(() => killEntry(entry));

  it('warns at start when --cors-origins is *; not by default', async () => {
    entry = await startEntry({ timeoutMs: 60_000, args: ['--port', '0', '--in-memory'] });
    expect(entry.stderr()).not.toContain('WARN');
    await killEntry(entry);
    entry = await startEntry({ timeoutMs: 60_000, args: ['--port', '0', '--in-memory', '--cors-origins', '*'] });
    await until(async () => entry!.stderr(), (s) => s.includes('use it:'));
    expect(entry.stderr()).toContain("WARN --cors-origins '*': any web page open in a browser on this machine can call the emulator and make it run commands");
    await killEntry(entry);
  }, 90_000);

  // The non-loopback warning is the same log line from exposureWarnings(), unit-tested in
  // src/protocol/requestGuard.test.ts: servers under test listen on loopback only.

  it('refuses a --cors-origins entry that is not an origin, and a --public-url that is not a URL', async () => {
    const cases = [
      ['--cors-origins', 'evil.example'],
      ['--cors-origins', 'http://ok.example,http://x.example/path'],
      ['--public-url', 'codepipeline:4596'],
      ['--allowed-hosts', 'a/b'],
    ];
    const outcomes = await Promise.all(
      cases.map((args) =>
        startEntry({ timeoutMs: 60_000, args: ['--port', '0', '--in-memory', ...args] }).then(
          (e) => killEntry(e).then(() => 'started'),
          (e: Error) => e.message.split('\n').slice(0, 2).join('\n'),
        ),
      ),
    );
    expect(outcomes).toEqual([
      "entry exited (2) before listening; stderr:\ncodepipeline-local: invalid --cors-origins entry 'evil.example' (an origin such as http://dev.example:3000, or *)",
      "entry exited (2) before listening; stderr:\ncodepipeline-local: invalid --cors-origins entry 'http://x.example/path' (an origin such as http://dev.example:3000, or *)",
      "entry exited (2) before listening; stderr:\ncodepipeline-local: invalid --public-url 'codepipeline:4596' (an http or https URL such as http://codepipeline:4596)",
      "entry exited (2) before listening; stderr:\ncodepipeline-local: invalid --allowed-hosts entry 'a/b' (a host name such as codepipeline, *.example.internal, or *)",
    ]);
  }, 120_000);
});
