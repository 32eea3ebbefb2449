// Change detection and V2 triggers: a commit to a watched local repository starts the pipeline with
// the trigger AWS reports; push filters (branches, tags, file paths) and the simulated pull request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  UpdatePipelineCommand,
  type ActionDeclaration,
  type GitConfiguration,
  type PipelineDeclaration,
  type PipelineTriggerDeclaration,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { triggerServiceOf, type TriggerService } from '../src/triggers/service.js';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { until } from './engineKit.js';
import { git } from './gitKit.js';

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let svc: TriggerService;
let tmp: string;
const CONNECTION = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/11111111-2222-3333-4444-555555555555`;

function initRepo(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  commit(dir, { 'README.md': 'start\n' }, 'initial');
  return dir;
}

/** Commits files on a branch (created from main when new); returns the commit id. */
function commit(repo: string, files: Record<string, string>, message: string, branch?: string): string {
  if (branch) {
    const exists = git(repo, 'branch', '--list', branch) !== '';
    git(repo, 'checkout', '-q', ...(exists ? [branch] : ['-b', branch, 'main']));
  }
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.writeFileSync(path.join(repo, f), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  const sha = git(repo, 'rev-parse', 'HEAD');
  if (branch) git(repo, 'checkout', '-q', 'main');
  return sha;
}

const source = (provider: string, configuration: Record<string, string>): ActionDeclaration => ({
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' },
  configuration,
  outputArtifacts: [{ name: 'SourceOut' }],
});

function pipeline(name: string, src: ActionDeclaration, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
    artifactStore: { type: 'S3', location: 'trigger-artifacts' },
    stages: [
      { name: 'Source', actions: [src] },
      { name: 'Approve', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
    ],
    ...extra,
  };
}

async function create(decl: PipelineDeclaration) {
  await cp.send(new CreatePipelineCommand({ pipeline: decl }));
  await svc.settled();
}

const summaries = async (name: string) => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];
const triggersOf = async (name: string) => (await summaries(name)).map((s) => s.trigger);

/** Waits for the pipeline to have `count` executions; answers the newest. */
async function waitForExecutions(name: string, count: number) {
  const list = await until(() => summaries(name), (s) => s.length >= count);
  expect(list).toHaveLength(count);
  return list[0];
}

/** The revision the newest execution's source action used (once it succeeded). */
async function sourceRevision(name: string, id: string) {
  const exec = await until(
    async () => (await cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!,
    (e) => (e.artifactRevisions?.length ?? 0) > 0 || e.status === 'Failed',
  );
  return exec.artifactRevisions?.[0]?.revisionId;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-triggers-'));
  emu = await startEmulator({ dataDir: path.join(tmp, 'data') });
  cp = client(emu.endpoint);
  svc = triggerServiceOf(emu.engine)!;
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const repoDir = (...segments: string[]) => path.join(tmp, 'data', 'git', ...segments);

describe('change detection for git sources', () => {
  it('a commit to the watched CodeCommit branch starts the pipeline (CloudWatchEvent); another branch does not', async () => {
    const repo = initRepo(repoDir('events'));
    await create(pipeline('cc-events', source('CodeCommit', { RepositoryName: 'events', BranchName: 'main', PollForSourceChanges: 'false' })));
    expect(svc.watchedRepositories()).toContain(repo);
    await waitForExecutions('cc-events', 1);

    commit(repo, { 'other.txt': 'x' }, 'on dev', 'dev');
    await svc.sync();
    expect(await summaries('cc-events')).toHaveLength(1);

    const sha = commit(repo, { 'a.txt': 'a' }, 'on main');
    const newest = await waitForExecutions('cc-events', 2);
    expect(newest.trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-cc-events-Source-rule` });
    expect(await sourceRevision('cc-events', newest.pipelineExecutionId!)).toBe(sha);
  });

  it('PollForSourceChanges (default true) reports the PollForSourceChanges trigger', async () => {
    const repo = initRepo(repoDir('polled'));
    await create(pipeline('cc-polled', source('CodeCommit', { RepositoryName: 'polled', BranchName: 'main' })));
    commit(repo, { 'b.txt': 'b' }, 'change');
    expect((await waitForExecutions('cc-polled', 2)).trigger).toEqual({ triggerType: 'PollForSourceChanges' });
  });

  it('CodeStarSourceConnection detects changes (Webhook on V1, WebhookV2 on V2) unless DetectChanges is false', async () => {
    const repo = initRepo(repoDir('acme', 'app'));
    const conf = { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/app', BranchName: 'main' };
    await create(pipeline('csc-v1', source('CodeStarSourceConnection', conf)));
    await create(pipeline('csc-v2', source('CodeStarSourceConnection', conf), { pipelineType: 'V2' }));
    await create(pipeline('csc-off', source('CodeStarSourceConnection', { ...conf, DetectChanges: 'false' })));
    const sha = commit(repo, { 'c.txt': 'c' }, 'push');
    const v1 = await waitForExecutions('csc-v1', 2);
    expect(v1.trigger).toEqual({ triggerType: 'Webhook', triggerDetail: CONNECTION });
    expect((await waitForExecutions('csc-v2', 2)).trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
    await svc.sync();
    expect(await triggersOf('csc-off')).toEqual([{ triggerType: 'CreatePipeline', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` }]);
    expect(await sourceRevision('csc-v1', v1.pipelineExecutionId!)).toBe(sha);
  });

  it('watchers follow pipeline updates and deletion', async () => {
    const repo = initRepo(repoDir('moving'));
    await create(pipeline('cc-moving', source('CodeCommit', { RepositoryName: 'moving', BranchName: 'main' })));
    const { pipeline: current } = await cp.send(new GetPipelineCommand({ name: 'cc-moving' }));
    current!.stages![0].actions![0].configuration = { RepositoryName: 'moving', BranchName: 'release' };
    await cp.send(new UpdatePipelineCommand({ pipeline: current }));
    await svc.settled();
    commit(repo, { 'm.txt': '1' }, 'main change');
    await svc.sync();
    expect(await summaries('cc-moving')).toHaveLength(1);
    commit(repo, { 'r.txt': '1' }, 'release change', 'release');
    expect((await waitForExecutions('cc-moving', 2)).trigger).toEqual({ triggerType: 'PollForSourceChanges' });

    await cp.send(new DeletePipelineCommand({ name: 'cc-moving' }));
    await svc.settled();
    expect(svc.watchedRepositories()).not.toContain(repo);
  });

  it('a repository created after the pipeline is picked up', async () => {
    await create(pipeline('cc-later', source('CodeCommit', { RepositoryName: 'later', BranchName: 'main', PollForSourceChanges: 'false' })));
    await waitForExecutions('cc-later', 1);
    initRepo(repoDir('later'));
    expect((await waitForExecutions('cc-later', 2)).trigger?.triggerType).toBe('CloudWatchEvent');
  });
});

describe('V2 trigger filters', () => {
  const trigger = (git: Omit<GitConfiguration, 'sourceActionName'>): PipelineTriggerDeclaration[] => [
    { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', ...git } },
  ];
  const conf = (repo: string) => ({ ConnectionArn: CONNECTION, FullRepositoryId: `acme/${repo}`, BranchName: 'main' });

  it('push filters on branches and file paths (includes and excludes); the action branch no longer triggers', async () => {
    const repo = initRepo(repoDir('acme', 'filters'));
    await create(
      pipeline('v2-push', source('CodeStarSourceConnection', conf('filters')), {
        pipelineType: 'V2',
        triggers: trigger({
          push: [{ branches: { includes: ['release/**'], excludes: ['release/old*'] }, filePaths: { includes: ['src/**'], excludes: ['**/*.md'] } }],
        }),
      }),
    );
    commit(repo, { 'docs/guide.txt': 'x' }, 'docs only', 'release/1');
    commit(repo, { 'src/notes.md': 'x' }, 'markdown only', 'release/1');
    commit(repo, { 'src/a.js': '1' }, 'excluded branch', 'release/old-1');
    commit(repo, { 'src/b.js': '1' }, 'default branch');
    await svc.sync();
    expect(await summaries('v2-push')).toHaveLength(1);

    const sha = commit(repo, { 'src/c.js': '1', 'README.md': 'more' }, 'source change', 'release/1');
    const newest = await waitForExecutions('v2-push', 2);
    expect(newest.trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
    expect(await sourceRevision('v2-push', newest.pipelineExecutionId!)).toBe(sha);
  });

  it('push filters on tags', async () => {
    const repo = initRepo(repoDir('acme', 'tags'));
    await create(
      pipeline('v2-tags', source('CodeStarSourceConnection', conf('tags')), {
        pipelineType: 'V2',
        triggers: trigger({ push: [{ tags: { includes: ['v*'], excludes: ['*-rc*'] } }] }),
      }),
    );
    commit(repo, { 'x.txt': '1' }, 'untagged');
    git(repo, 'tag', 'v2.0-rc1');
    git(repo, 'tag', 'other');
    await svc.sync();
    expect(await summaries('v2-tags')).toHaveLength(1);
    const sha = commit(repo, { 'y.txt': '1' }, 'release');
    git(repo, 'tag', '-a', 'v2.0', '-m', 'annotated');
    const newest = await waitForExecutions('v2-tags', 2);
    expect(newest.trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
    expect(await sourceRevision('v2-tags', newest.pipelineExecutionId!)).toBe(sha);
  });

  it('a simulated pull request starts pipelines whose pull request filters match, with the source branch commit', async () => {
    const repo = initRepo(repoDir('acme', 'prs'));
    await create(
      pipeline('v2-pr', source('CodeStarSourceConnection', conf('prs')), {
        pipelineType: 'V2',
        triggers: trigger({ pullRequest: [{ events: ['OPEN', 'UPDATED'], branches: { includes: ['main'] }, filePaths: { includes: ['src/**'] } }] }),
      }),
    );
    const feature = commit(repo, { 'src/f.js': 'f' }, 'feature', 'feature/x');
    commit(repo, { 'docs/d.txt': 'd' }, 'docs', 'docs-only');
    const pr = async (body: object, query = `?account=${ACCOUNT}&region=us-east-1`) => {
      const res = await fetch(`${emu.endpoint}/_local/pull-request${query}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    };
    const base = { FullRepositoryId: 'acme/prs', sourceBranch: 'feature/x', destinationBranch: 'main' };

    expect(await pr({ ...base, event: 'CLOSED' })).toEqual({ status: 200, json: { started: [], commitId: feature } });
    expect(await pr({ ...base, event: 'OPEN', destinationBranch: 'dev' })).toEqual({ status: 200, json: { started: [], commitId: feature } });
    expect((await pr({ ...base, event: 'OPEN', sourceBranch: 'docs-only' })).json.started).toEqual([]);
    expect(await summaries('v2-pr')).toHaveLength(1);

    const opened = await pr({ ...base, event: 'OPEN' });
    expect(opened.status).toBe(200);
    expect(opened.json.started).toEqual([{ pipelineName: 'v2-pr', pipelineExecutionId: expect.any(String) }]);
    const newest = await waitForExecutions('v2-pr', 2);
    expect(newest.pipelineExecutionId).toBe(opened.json.started[0].pipelineExecutionId);
    expect(newest.trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
    expect(await sourceRevision('v2-pr', newest.pipelineExecutionId!)).toBe(feature);

    expect(await pr({ ...base, event: 'MERGED' })).toEqual({
      status: 400,
      json: { __type: 'ValidationException', message: 'event must be one of OPEN, UPDATED, CLOSED' },
    });
    expect((await pr({ ...base, event: 'OPEN', sourceBranch: '--upload-pack=x' })).status).toBe(400);
  });
});

describe('change detection for S3 sources', () => {
  it('a new object version at the key starts the pipeline with that version (CloudWatchEvent)', async () => {
    const s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'watched-bucket' }));
    await create(pipeline('s3-events', source('S3', { S3Bucket: 'watched-bucket', S3ObjectKey: 'drop/app.zip', PollForSourceChanges: 'false' })));
    await s3.send(new PutObjectCommand({ Bucket: 'watched-bucket', Key: 'drop/other.zip', Body: zipFiles([{ path: 'a', data: Buffer.from('a') }]) }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'watched-bucket', Key: 'drop/app.zip', Body: zipFiles([{ path: 'a', data: Buffer.from('b') }]) }));
    s3.destroy();
    const newest = await waitForExecutions('s3-events', 2);
    expect(newest.trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-s3-events-Source-rule` });
    expect(await sourceRevision('s3-events', newest.pipelineExecutionId!)).toBe(put.VersionId);
  });
});
