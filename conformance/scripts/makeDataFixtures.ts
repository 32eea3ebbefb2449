// Makes the data-folder fixtures that the migration test opens (fixtures/data-v1, fixtures/data-v6):
// the code of an earlier commit is taken out of git (`git archive`), its CLI entry is run on a fresh
// data folder, driven through the API as a user would, stopped with SIGTERM, and its folder copied.
//   fixtures/data-v1  commit e0b2fa9, the first schema (migration 1 only): pipelines, versions, tags
//   fixtures/data-v6  commit 516cb12, the first schema with executions, approvals and the S3 store
//                     (migrations 1-6): a finished execution, one waiting at a manual approval, objects
// Each folder's expected.json records what that version answered, for the test to compare with.
// Run: npx tsx conformance/scripts/makeDataFixtures.ts   (needs git history; rewrites both folders)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreatePipelineCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  UpdatePipelineCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT, client } from '../harness.js';
import { samplePipeline } from '../fixtures.js';
import { approvalAction, approvalToken, buildAction, BUILD_TYPE, createCustomTypes, pipelineOf, SOURCE_TYPE, succeed, waitForStatus } from '../engineKit.js';
import { ROOT } from './entry.js';

const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Runs `commit`'s CLI on `dataDir`, hands its endpoint to `drive`, then stops it with SIGTERM. */
async function withOldVersion(commit: string, dataDir: string, drive: (endpoint: string) => Promise<unknown>) {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), `cpl-${commit}-`));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${commit} src | tar -x -C "${tree}"`]);
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(tree, 'node_modules'));
  fs.writeFileSync(path.join(tree, 'package.json'), '{"type":"module"}\n');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(tree, 'src', 'main.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: tree,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`${commit} did not start: ${err}`)), 30_000);
      child.stderr!.setEncoding('utf8').on('data', (c: string) => {
        err += c;
        const m = err.match(/listening on (http:\/\/[^\s)]+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`${commit} exited (${code}): ${err}`)));
    });
    await drive(endpoint);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

const s3 = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });

async function v1(cp: CodePipelineClient) {
  // That version implemented pipeline create/get/update/delete/list (with tags at creation), nothing more.
  const a = samplePipeline('legacy-a');
  await cp.send(new CreatePipelineCommand({ pipeline: a, tags: [{ key: 'team', value: 'legacy' }] }));
  a.stages![1].actions![0].configuration = { ProjectName: 'legacy-build-v2' };
  await cp.send(new UpdatePipelineCommand({ pipeline: a }));
  await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('legacy-b') }));
  return {};
}

async function v6(cp: CodePipelineClient, endpoint: string) {
  await createCustomTypes(cp);
  const approve = (name: string) =>
    pipelineOf(name, [
      { name: 'Build', actions: [buildAction('Build', name)] },
      { name: 'Approve', actions: [approvalAction()] },
    ]);
  // legacy-done: every action answered, Succeeded.
  await cp.send(new CreatePipelineCommand({ pipeline: approve('legacy-done') }));
  const done = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'legacy-done' }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
  await succeed(cp, SOURCE_TYPE, { Repo: 'legacy-done' }, { currentRevision: { revision: 'r1', changeIdentifier: 'r1' } });
  await succeed(cp, BUILD_TYPE, { Project: 'legacy-done' });
  const doneToken = await approvalToken(cp, 'legacy-done', 'Approve', 'Approve');
  await cp.send(
    new PutApprovalResultCommand({ pipelineName: 'legacy-done', stageName: 'Approve', actionName: 'Approve', token: doneToken, result: { status: 'Approved', summary: 'fine' } }),
  );
  await waitForStatus(cp, 'legacy-done', done, 'Succeeded');
  // legacy-waiting: waits at its manual approval.
  await cp.send(new CreatePipelineCommand({ pipeline: approve('legacy-waiting') }));
  const waiting = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'legacy-waiting' }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
  await succeed(cp, SOURCE_TYPE, { Repo: 'legacy-waiting' }, { currentRevision: { revision: 'r7', changeIdentifier: 'r7' } });
  await succeed(cp, BUILD_TYPE, { Project: 'legacy-waiting' });
  const token = await approvalToken(cp, 'legacy-waiting', 'Approve', 'Approve');
  const state = await cp.send(new GetPipelineStateCommand({ name: 'legacy-waiting' }));
  // Objects: two keys, one of them with two versions.
  const c = s3(endpoint);
  await c.send(new CreateBucketCommand({ Bucket: 'legacy-bucket' }));
  const first = await c.send(new PutObjectCommand({ Bucket: 'legacy-bucket', Key: 'docs/readme.txt', Body: 'version one' }));
  const second = await c.send(new PutObjectCommand({ Bucket: 'legacy-bucket', Key: 'docs/readme.txt', Body: 'version two' }));
  await c.send(new PutObjectCommand({ Bucket: 'legacy-bucket', Key: 'app.bin', Body: Buffer.from([0, 1, 2, 3, 254, 255]) }));
  return {
    executions: { 'legacy-done': done, 'legacy-waiting': waiting },
    approvalToken: token,
    waitingStages: state.stageStates!.map((s) => [s.stageName, s.latestExecution?.status]),
    readmeVersions: [first.VersionId, second.VersionId],
  };
}

for (const [name, commit, drive] of [
  ['data-v1', 'e0b2fa9', (e: string) => v1(client(e))],
  ['data-v6', '516cb12', (e: string) => v6(client(e), e)],
] as const) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `cpl-${name}-`));
  const dataDir = path.join(work, 'data');
  let expected: unknown;
  await withOldVersion(commit, dataDir, async (endpoint) => {
    expected = await drive(endpoint);
  });
  const target = path.join(ROOT, 'fixtures', name);
  fs.rmSync(target, { recursive: true, force: true });
  // The state only: not the lock files a newer version would leave, nor build workspaces.
  fs.cpSync(dataDir, target, { recursive: true, filter: (src) => !/[\\/](\.lock[^\\/]*|builds)$/.test(src) });
  fs.writeFileSync(path.join(target, 'expected.json'), `${JSON.stringify({ madeBy: commit, ...(expected as object) }, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${name}: made by ${commit} -> ${path.relative(ROOT, target)}\n`);
}
