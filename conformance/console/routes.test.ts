// The console's routes without a browser: the page and its assets (no CDN: the libraries come from
// node_modules), its Content-Security-Policy, the scopes route, the root redirect that leaves S3's
// ListBuckets alone, signature verification, and the compiled entry (dist/) serving the same files.
import fs from 'node:fs';
import { CodePipelineClient, CreatePipelineCommand } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { client, useEmulator } from '../harness.js';
import { sourceAction, sourceThenApproval } from '../sourceKit.js';
import { CREDENTIALS, KEY, OTHER, presign } from '../sigv4Kit.js';
import { killEntry, ROOT, startEntry } from '../scripts/entry.js';

const pipeline = (name: string) => sourceThenApproval(name, sourceAction('S3', { S3Bucket: 'in', S3ObjectKey: 'a.zip' }), `${name}-artifacts`);

describe('console routes', () => {
  const t = useEmulator();

  it('a browser opening the root is redirected to /_console/; /_console too', async () => {
    for (const [url, accept] of [
      ['/', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
      ['/_console', '*/*'],
    ]) {
      const res = await fetch(`${t.emu.endpoint}${url}`, { headers: { accept }, redirect: 'manual' });
      expect([res.status, res.headers.get('location')]).toEqual([302, '/_console/']);
    }
  });

  it("S3's GET / stays ListBuckets: signed, or without an HTML Accept, or with a query", async () => {
    const s3 = new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' }, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'console-bucket' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain('console-bucket');
    const plain = await fetch(`${t.emu.endpoint}/`, { redirect: 'manual' });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toContain('<ListAllMyBucketsResult');
    const withQuery = await fetch(`${t.emu.endpoint}/?x-id=ListBuckets`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(withQuery.status).toBe(200);
  });

  it('the page: its import map (allowed by hash) and a policy that runs only the emulator\'s own scripts', async () => {
    const res = await fetch(`${t.emu.endpoint}/_console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const html = await res.text();
    const map = /<script type="importmap">(.*?)<\/script>/.exec(html)![1];
    expect(JSON.parse(map)).toEqual({ imports: { preact: '/_console/vendor/preact.mjs', 'preact/hooks': '/_console/vendor/hooks.mjs', htm: '/_console/vendor/htm.mjs' } });
    const csp = res.headers.get('content-security-policy')!;
    const hash = (await import('node:crypto')).createHash('sha256').update(map).digest('base64');
    expect(csp).toBe(
      `default-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    // Nothing from another host: every src and href is the emulator's own.
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('/_console/'))).toEqual([]);
  });

  it('serves its scripts and the libraries from node_modules, and nothing else', async () => {
    for (const [file, type] of [
      ['assets/app.js', 'text/javascript; charset=utf-8'],
      ['assets/style.css', 'text/css; charset=utf-8'],
      ['vendor/preact.mjs', 'text/javascript; charset=utf-8'],
      ['vendor/hooks.mjs', 'text/javascript; charset=utf-8'],
      ['vendor/htm.mjs', 'text/javascript; charset=utf-8'],
    ]) {
      const res = await fetch(`${t.emu.endpoint}/_console/${file}`);
      expect([file, res.status, res.headers.get('content-type'), res.headers.get('x-content-type-options')]).toEqual([file, 200, type, 'nosniff']);
      expect((await res.text()).length).toBeGreaterThan(100);
    }
    // The console's scripts import only the three mapped names and each other: no URL of another host.
    for (const f of fs.readdirSync(`${ROOT}/console`).filter((f) => f.endsWith('.js'))) {
      const imports = [...fs.readFileSync(`${ROOT}/console/${f}`, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(imports.filter((i) => !['preact', 'preact/hooks', 'htm'].includes(i) && !/^\.\/[a-z0-9-]+\.js$/.test(i))).toEqual([]);
    }
    for (const bad of ['assets/..%2Fpackage.json', 'assets/missing.js', 'vendor/preact.js', 'vendor/__proto__', 'assets/app.ts']) {
      expect([bad, (await fetch(`${t.emu.endpoint}/_console/${bad}`)).status]).toEqual([bad, 404]);
    }
  });

  it('/_console/scopes lists the accounts and regions holding pipelines, with the default', async () => {
    const empty = await (await fetch(`${t.emu.endpoint}/_console/scopes`)).json();
    const standard = { account: '000000000000', region: 'us-east-1' };
    expect(empty).toEqual({ default: standard, standard, scopes: [], verifySignatures: false });
    await client(t.emu.endpoint, { region: 'eu-west-1', accessKeyId: '111111111111' }).send(new CreatePipelineCommand({ pipeline: pipeline('a') }));
    await client(t.emu.endpoint, { region: 'eu-west-1', accessKeyId: '111111111111' }).send(new CreatePipelineCommand({ pipeline: pipeline('b') }));
    // The default scope is empty and another holds pipelines: that one is shown first.
    expect(await (await fetch(`${t.emu.endpoint}/_console/scopes`)).json()).toEqual({
      default: { account: '111111111111', region: 'eu-west-1' },
      standard,
      scopes: [{ account: '111111111111', region: 'eu-west-1', pipelines: 2 }],
      verifySignatures: false,
    });
    await client(t.emu.endpoint, { accessKeyId: '000000000000' }).send(new CreatePipelineCommand({ pipeline: pipeline('c') }));
    expect(await (await fetch(`${t.emu.endpoint}/_console/scopes`)).json()).toEqual({
      default: standard,
      standard,
      scopes: [
        { account: '000000000000', region: 'us-east-1', pipelines: 1 },
        { account: '111111111111', region: 'eu-west-1', pipelines: 2 },
      ],
      verifySignatures: false,
    });
  });
});

describe('console routes with signatures verified (--credentials)', () => {
  const t = useEmulator({ credentials: CREDENTIALS });

  it('the page and its files are open (they hold no data); the scopes need a signature like any data', async () => {
    expect((await fetch(`${t.emu.endpoint}/_console/`)).status).toBe(200);
    expect((await fetch(`${t.emu.endpoint}/_console/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${t.emu.endpoint}/_console/vendor/preact.mjs`)).status).toBe(200);
    const refused = await fetch(`${t.emu.endpoint}/_console/scopes`);
    expect(refused.status).toBe(403);
    expect((await refused.json()).__type).toBe('MissingAuthenticationTokenException');
    const signedClient = (creds: { accessKeyId: string; secretAccessKey: string }) =>
      new CodePipelineClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    await signedClient(KEY).send(new CreatePipelineCommand({ pipeline: pipeline('mine') }));
    await signedClient(OTHER).send(new CreatePipelineCommand({ pipeline: pipeline('theirs') }));
    // A key sees its own account only.
    const signed = await fetch(await presign('codepipeline', `${t.emu.endpoint}/_console/scopes`));
    expect(signed.status).toBe(200);
    const own = { account: KEY.accountId, region: 'us-east-1' };
    expect(await signed.json()).toEqual({ default: own, standard: own, scopes: [{ ...own, pipelines: 1 }], verifySignatures: true });
  });
});

describe('the compiled entry (npm start) serves the console', () => {
  it('prints the console URL and serves the page, its files and the libraries from dist/', async () => {
    // Built by `npm run build` (npm start builds first); the suite builds it only when missing.
    if (!fs.existsSync(`${ROOT}/dist/console/routes.js`)) {
      const { execFileSync } = await import('node:child_process');
      execFileSync(process.execPath, [`${ROOT}/node_modules/typescript/bin/tsc`, '-p', `${ROOT}/tsconfig.json`], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
    }
    const e = await startEntry({ kind: 'dist', args: ['--port', '0', '--in-memory', '--log-level', 'warn'] });
    try {
      expect(e.stderr()).toContain(`\n  console: ${e.endpoint}/_console/\n`);
      for (const f of ['', 'assets/app.js', 'assets/pipeline.js', 'vendor/htm.mjs']) expect([f, (await fetch(`${e.endpoint}/_console/${f}`)).status]).toEqual([f, 200]);
    } finally {
      await killEntry(e);
    }
  }, 150_000);
});
