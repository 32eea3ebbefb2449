// The whole state as a file, and back, without a restart: POST /_local/snapshot, /_local/restore and
// /_local/reset on a running emulator (and start()'s snapshot/restore/reset), then the CLI's
// snapshot/restore/reset commands through the real entry, against a running emulator and on a folder.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineStateCommand,
  ListActionTypesCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { approvalAction, approvalToken, createCustomTypes, newestExecutionId, pipelineOf, SOURCE_TYPE, succeed, until, waitForStatus } from './engineKit.js';
import { startWithSource } from './localBuildKit.js';
import { killEntry, runEntry, startEntry, type Entry } from './scripts/entry.js';
import type { RunningEmulator } from '../src/index.js';
import { INLINE_BODY_BYTES } from '../src/services/s3/inlineBodies.js';

let tmp: string;
const live = new Set<Entry>();
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-state-'));
});
afterAll(async () => {
  for (const e of live) await killEntry(e);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const s3 = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });

/** A loopback port nothing listens on (taken, then freed). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const post = (endpoint: string, route: string, body?: Uint8Array | string) => fetch(`${endpoint}${route}`, { method: 'POST', ...(body !== undefined && { body: body as BodyInit }) });

/** What a client sees: pipelines, one pipeline's state and executions, the objects' bodies (without per-request metadata). */
async function view(cp: CodePipelineClient, endpoint: string, pipeline: string, keys: string[]) {
  const { $metadata: _p, ...pipelines } = await cp.send(new ListPipelinesCommand({}));
  const { $metadata: _s, ...state } = await cp.send(new GetPipelineStateCommand({ name: pipeline }));
  const { $metadata: _e, ...executions } = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline }));
  const c = s3(endpoint);
  const bodies: Record<string, string> = {};
  for (const key of keys) {
    try {
      bodies[key] = await (await c.send(new GetObjectCommand({ Bucket: 'state-bucket', Key: key }))).Body!.transformToString();
    } catch (e) {
      bodies[key] = (e as Error).name;
    }
  }
  return { pipelines, state, executions, bodies };
}

/** A pipeline waiting at a manual approval (its source job answered), and two objects. */
async function populate(cp: CodePipelineClient, endpoint: string, name: string) {
  await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Approve', actions: [approvalAction()] }]) }));
  const id = await newestExecutionId(cp, name);
  await succeed(cp, SOURCE_TYPE, { Repo: name });
  const token = await approvalToken(cp, name, 'Approve', 'Approve');
  const c = s3(endpoint);
  await c.send(new CreateBucketCommand({ Bucket: 'state-bucket' }));
  await c.send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'k1', Body: 'first body' }));
  await c.send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'k2', Body: 'second body' }));
  return { id, token };
}

const approve = (cp: CodePipelineClient, pipelineName: string, token: string) =>
  cp.send(new PutApprovalResultCommand({ pipelineName, stageName: 'Approve', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ok' } }));

describe('snapshot, restore and reset through the endpoint', () => {
  let emu: RunningEmulator;
  let cp: CodePipelineClient;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(tmp, 'http');
    emu = await startEmulator({ inMemory: false, dataDir, logLevel: 'error' });
    cp = client(emu.endpoint);
    await createCustomTypes(cp);
  });
  afterAll(() => emu.stop());

  it('a restore gives back exactly the snapshot state: pipelines, executions, a waiting approval (same token), object bodies', async () => {
    const { id, token } = await populate(cp, emu.endpoint, 'snap-a');
    const keys = ['k1', 'k2', 'k3'];
    const before = await view(cp, emu.endpoint, 'snap-a', keys);
    expect(before.bodies).toEqual({ k1: 'first body', k2: 'second body', k3: 'NoSuchKey' });

    const res = await post(emu.endpoint, '/_local/snapshot');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const archive = new Uint8Array(await res.arrayBuffer());

    // Change everything the snapshot holds.
    await approve(cp, 'snap-a', token);
    await waitForStatus(cp, 'snap-a', id, 'Succeeded');
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('snap-b', [{ name: 'Approve', actions: [approvalAction()] }]) }));
    const c = s3(emu.endpoint);
    await c.send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'k1', Body: 'changed' }));
    await c.send(new DeleteObjectCommand({ Bucket: 'state-bucket', Key: 'k2' }));
    await c.send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'k3', Body: 'new' }));
    expect((await view(cp, emu.endpoint, 'snap-a', keys)).bodies).toEqual({ k1: 'changed', k2: 'NoSuchKey', k3: 'new' });

    const restored = await post(emu.endpoint, '/_local/restore', archive);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toEqual({ restored: { pipelines: 1, executions: 1, objects: 2, bodies: 2, logs: 1 } });
    expect(await view(cp, emu.endpoint, 'snap-a', keys)).toEqual(before);

    // The approval waits as it did, answerable with its token; the execution then ends.
    await approve(cp, 'snap-a', token);
    await waitForStatus(cp, 'snap-a', id, 'Succeeded');
  });

  it('a body that is not a snapshot is refused (400) and nothing changes', async () => {
    const names = async () => (await cp.send(new ListPipelinesCommand({}))).pipelines!.map((p) => p.name);
    const before = await names();
    expect(before.length).toBeGreaterThan(0);
    const res = await post(emu.endpoint, '/_local/restore', 'not a zip');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'ValidationException',
      message: 'the request body is not a codepipeline-local snapshot (not a zip archive: invalid zip data)',
    });
    const empty = await post(emu.endpoint, '/_local/restore');
    expect(empty.status).toBe(400);
    expect(await names()).toEqual(before);
  });

  it('a reset empties everything (bodies and logs deleted with their rows); creating again works', async () => {
    const res = await post(emu.endpoint, '/_local/reset');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reset: { pipelines: 0, executions: 0, objects: 0, bodies: 0, logs: 0 } });
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    expect((await s3(emu.endpoint).send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    expect((await cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 's3', 'blobs'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'logs'))).toEqual([]);

    await createCustomTypes(cp);
    const { id, token } = await populate(cp, emu.endpoint, 'again');
    await approve(cp, 'again', token);
    await waitForStatus(cp, 'again', id, 'Succeeded');
  });

  it('a reset stops a running build', async () => {
    const pidFile = path.join(tmp, 'build.pid');
    const decl = pipelineOf('sleeper', [
      {
        name: 'Run',
        actions: [
          {
            name: 'Run',
            actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
            commands: [`echo $$ > ${pidFile}`, 'sleep 120'],
            inputArtifacts: [{ name: 'SourceOut' }],
          },
        ],
      },
    ], { pipelineType: 'V2' });
    await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    const pid = Number((await until(async () => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''), (t) => t.endsWith('\n'), 20_000)).trim());
    const alive = async () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(await alive()).toBe(true);
    emu.reset();
    await until(alive, (a) => !a, 10_000);
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
  });
});

describe('start(): snapshot, restore and reset in the same process', () => {
  it('work in memory, without a restart: a test can start from a clean or a saved state', async () => {
    const emu = await startEmulator();
    const cp = client(emu.endpoint);
    await createCustomTypes(cp);
    const { token } = await populate(cp, emu.endpoint, 'mem');
    const before = await view(cp, emu.endpoint, 'mem', ['k1', 'k2']);
    const saved = emu.snapshot();
    expect(emu.reset()).toEqual({ pipelines: 0, executions: 0, objects: 0, bodies: 0, logs: 0 });
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    expect(emu.restore(saved)).toEqual({ pipelines: 1, executions: 1, objects: 2, bodies: 2, logs: 1 });
    expect(await view(cp, emu.endpoint, 'mem', ['k1', 'k2'])).toEqual(before);
    await approve(cp, 'mem', token);

    // An archive missing a body its rows name is refused before anything changes (a body over the
    // size the database keeps itself is a file of the archive).
    await s3(emu.endpoint).send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'big', Body: 'big'.padEnd(INLINE_BODY_BYTES + 1, '.') }));
    const files = unzipSync(emu.snapshot());
    const body = Object.keys(files).find((n) => n.startsWith('s3/blobs/'))!;
    delete files[body];
    expect(() => emu.restore(zipSync(files))).toThrow(
      `the snapshot is incomplete: its database names 1 object body it does not hold (${body}...)`,
    );
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines!.map((p) => p.name)).toEqual(['mem']);
    await emu.stop();
  });
});

describe('the CLI commands', () => {
  async function launch(dataDir: string): Promise<Entry> {
    const e = await startEntry({ args: ['--port', '0', '--log-level', 'warn', '--data-dir', dataDir] });
    live.add(e);
    e.exited.then(() => live.delete(e));
    return e;
  }
  const names = async (endpoint: string) => (await client(endpoint).send(new ListPipelinesCommand({}))).pipelines!.map((p) => p.name);

  it('snapshot and restore through the emulator running on the folder, then reset and restore on the stopped folder', async () => {
    const dataDir = path.join(tmp, 'cli');
    const file = path.join(tmp, 'cli-snapshot.zip');
    const first = await launch(dataDir);
    const cp = client(first.endpoint);
    await createCustomTypes(cp);
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('cli-a', [{ name: 'Approve', actions: [approvalAction()] }]) }));

    const snap = await runEntry({ args: ['snapshot', file, '--data-dir', dataDir] });
    expect(snap).toMatchObject({ code: 0, stderr: `codepipeline-local: snapshot of the emulator at ${first.endpoint} written to ${file}: 1 pipeline, 1 execution, 0 objects (0 bodies), 0 action logs\n` });

    await cp.send(new DeletePipelineCommand({ name: 'cli-a' }));
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('cli-b', [{ name: 'Approve', actions: [approvalAction()] }]) }));
    const restore = await runEntry({ args: ['restore', file, '--endpoint', first.endpoint] });
    expect(restore).toMatchObject({ code: 0, stderr: `codepipeline-local: the emulator at ${first.endpoint} now holds the state of ${file}: 1 pipeline, 1 execution, 0 objects (0 bodies), 0 action logs\n` });
    expect(await names(first.endpoint)).toEqual(['cli-a']);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const reset = await runEntry({ args: ['reset', '--data-dir', dataDir] });
    expect(reset).toMatchObject({ code: 0, stderr: `codepipeline-local: ${dataDir} was reset: it holds nothing\n` });
    const second = await launch(dataDir);
    expect(await names(second.endpoint)).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const offline = await runEntry({ args: ['restore', file, '--data-dir', dataDir] });
    expect(offline).toMatchObject({ code: 0, stderr: `codepipeline-local: ${dataDir} now holds the state of ${file}: 1 pipeline, 1 execution, 0 objects (0 bodies), 0 action logs\n` });
    const third = await launch(dataDir);
    expect(await names(third.endpoint)).toEqual(['cli-a']);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('a file that is not a snapshot, or nothing listening: exit 2 with the reason', async () => {
    const bad = path.join(tmp, 'bad.zip');
    fs.writeFileSync(bad, 'nope');
    const dataDir = path.join(tmp, 'cli-bad');
    const r = await runEntry({ args: ['restore', bad, '--data-dir', dataDir] });
    expect(r).toMatchObject({ code: 2, stderr: `codepipeline-local: ${bad} is not a codepipeline-local snapshot (not a zip archive: invalid zip data)\n` });
    const port = await freePort();
    const none = await runEntry({ args: ['snapshot', path.join(tmp, 'x.zip'), '--endpoint', `http://127.0.0.1:${port}`] });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `codepipeline-local: no codepipeline-local answers at http://127.0.0.1:${port} (ECONNREFUSED): start one, or name another with --endpoint URL or its folder with --data-dir DIR\n`,
    );
    expect(fs.existsSync(path.join(tmp, 'x.zip'))).toBe(false);
  });
});
