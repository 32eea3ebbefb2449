// The built CLI (`npm run build`: tsc, then scripts/bundle.ts): dist/main.js runs the bundle dist/cli.cjs
// with its V8 code cache, and everything that finds files from its own place still finds them there
// (the version, the console's files, the services' models, the zip worker); a cache that is not the
// bundle's own is never used; the library entry (tsc's dist/index.js) still starts an emulator.
// Built once into a scratch package (package.json, console/ and node_modules linked from this one).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePipelineCommand, ListPipelinesCommand, type ActionTypeId } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ACCOUNT, client } from './harness.js';
import { executionStatus, newestExecutionId, until } from './engineKit.js';
import { ROOT } from './scripts/entry.js';

let pkg: string;
const live = new Set<ReturnType<typeof spawn>>();
/** Says, when the launcher has compiled the bundle, whether V8 took the code cache. */
const HOOK = `globalThis[Symbol.for('codepipeline-local.cliScript')] = (s) => process.stderr.write('code cache: ' + (s.cachedDataRejected === false ? 'used' : s.cachedDataRejected ? 'rejected' : 'none') + '\\n');`;

beforeAll(() => {
  pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-bundle-'));
  for (const f of ['package.json', 'console', 'node_modules']) fs.symlinkSync(path.join(ROOT, f), path.join(pkg, f));
  fs.writeFileSync(path.join(pkg, 'hook.mjs'), HOOK);
  const dist = path.join(pkg, 'dist');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'scripts', 'bundle.ts'), dist], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
}, 240_000);

afterAll(() => {
  for (const c of live) c.kill('SIGKILL');
  if (pkg) fs.rmSync(pkg, { recursive: true, force: true });
});

/** `node --import hook.mjs <pkg>/dist/main.js args`: resolves with the endpoint and stderr so far once it listens. */
function launch(args: string[], distDir = path.join(pkg, 'dist')): Promise<{ endpoint: string; stderr: () => string; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, ['--import', path.join(pkg, 'hook.mjs'), path.join(distDir, 'main.js'), '--port', '0', '--log-level', 'warn', ...args], { cwd: pkg, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ endpoint: m[1], stderr: () => err, child });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

/** Runs `node --import hook.mjs <distDir>/main.js args` to its end: exit code, stdout and stderr. */
function run(args: string[], distDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', path.join(pkg, 'hook.mjs'), path.join(distDir, 'main.js'), ...args], { cwd: pkg, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built CLI (dist/main.js)', () => {
  it('runs the bundle with its code cache: the version, the API, a lazily loaded service and its model, the console files', async () => {
    expect(fs.readdirSync(path.join(pkg, 'dist')).filter((f) => /^(main\.js|cli\.cjs|cli\.cjs\.cache|zipWorker\.cjs)$/.test(f)).sort()).toEqual(['cli.cjs', 'cli.cjs.cache', 'main.js', 'zipWorker.cjs']);
    const e = await launch(['--in-memory']);
    try {
      const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(e.stderr()).toContain('code cache: used\n');
      expect(e.stderr()).toContain(`codepipeline-local ${version} listening on ${e.endpoint}`);
      const cp = client(e.endpoint);
      expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
      cp.destroy();
      const sts = new STSClient({ endpoint: e.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
      sts.destroy();
      for (const f of ['', 'assets/app.js', 'vendor/htm.mjs']) expect([f, (await fetch(`${e.endpoint}/_console/${f}`)).status]).toEqual([f, 200]);
      expect(await (await fetch(`${e.endpoint}/_health`)).json()).toMatchObject({ version });
    } finally {
      e.child.kill('SIGKILL');
    }
  }, 60_000);

  it('unzips a large input artifact in a zip worker thread (dist/zipWorker.cjs)', async () => {
    const e = await launch(['--data-dir', path.join(pkg, 'data')]);
    const s3 = new S3Client({ endpoint: e.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
    const cp = client(e.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'sources' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'site' }));
      // 2 MiB of zeros claimed: more than is unzipped on the event loop (src/util/zip.ts), so a worker does it.
      await s3.send(new PutObjectCommand({ Bucket: 'sources', Key: 'app.zip', Body: zipSync({ 'big.bin': new Uint8Array(2 * 1024 * 1024) }) }));
      const aws = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' }) as ActionTypeId;
      await cp.send(
        new CreatePipelineCommand({
          pipeline: {
            name: 'unzip',
            roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
            artifactStore: { type: 'S3', location: 'local-artifacts' },
            stages: [
              { name: 'Source', actions: [{ name: 'Source', actionTypeId: aws('Source', 'S3'), configuration: { S3Bucket: 'sources', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'Out' }] }] },
              { name: 'Deploy', actions: [{ name: 'Site', actionTypeId: aws('Deploy', 'S3'), configuration: { BucketName: 'site', Extract: 'true' }, inputArtifacts: [{ name: 'Out' }] }] },
            ],
          },
        }),
      );
      const id = await newestExecutionId(cp, 'unzip');
      expect(await until(() => executionStatus(cp, 'unzip', id), (v) => v !== 'InProgress', 30_000)).toBe('Succeeded');
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'site', Key: 'big.bin' }))).ContentLength).toBe(2 * 1024 * 1024);
    } finally {
      s3.destroy();
      cp.destroy();
      e.child.kill('SIGKILL');
    }
  }, 60_000);

  it('never uses a cache made for another bundle: a changed bundle of the same length runs as changed, and a damaged cache is rejected', () => {
    const other = path.join(pkg, 'other');
    fs.cpSync(path.join(pkg, 'dist'), other, { recursive: true });
    const bundle = path.join(other, 'cli.cjs');
    const text = fs.readFileSync(bundle, 'utf8');
    expect(text).toContain('a local AWS CodePipeline emulator');
    // V8 checks only the source's length: the same length, another text.
    fs.writeFileSync(bundle, text.replace('a local AWS CodePipeline emulator', 'A LOCAL AWS CodePipeline emulator'));
    expect(run(['--help'], other)).toMatchObject({ status: 0, stdout: expect.stringContaining('A LOCAL AWS CodePipeline emulator'), stderr: 'code cache: none\n' });
    // The right header (the SHA-256 of the bundle) before bytes V8 cannot use.
    const hash = createHash('sha256').update(fs.readFileSync(bundle)).digest();
    fs.writeFileSync(`${bundle}.cache`, Buffer.concat([hash, Buffer.alloc(4096, 7)]));
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version'], other)).toEqual({ status: 0, stdout: `${version}\n`, stderr: 'code cache: rejected\n' });
  }, 60_000);
});

describe('the library entry (tsc output, dist/index.js)', () => {
  it('starts an emulator that answers', async () => {
    const script = `import { start } from ${JSON.stringify(path.join(pkg, 'dist', 'index.js'))};
const emu = await start({ port: 0, inMemory: true, logLevel: 'silent' });
const res = await fetch(emu.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodePipeline_20150709.ListPipelines' }, body: '{}' });
process.stdout.write(res.status + ' ' + await res.text());
await emu.stop();`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, encoding: 'utf8', timeout: 30_000 })).toBe('200 {"pipelines":[]}');
  }, 60_000);
});
