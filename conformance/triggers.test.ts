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
  PutApprovalResultCommand,
  UpdatePipelineCommand,
  type ActionDeclaration,
  type CodePipelineClient,
  type GitConfiguration,
  type PipelineDeclaration,
  type PipelineTriggerDeclaration,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import type { TriggerService } from '../src/triggers/service.js';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { approvalToken, until, waitForStatus } from './engineKit.js';
import { useFileSessions } from './sessionKit.js';
import { commitFiles, git } from './gitKit.js';
import { sourceAction, sourceThenApproval } from './sourceKit.js';

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
const commit = commitFiles;

const source = sourceAction;
const pipeline = (name: string, src: ActionDeclaration, extra: Partial<PipelineDeclaration> = {}) => sourceThenApproval(name, src, 'trigger-artifacts', extra);

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
  svc = emu.triggers.service!;
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

describe('catching up with changes made while change detection was not looking', () => {
  const { freshDataDir, session } = useFileSessions('cpl-catchup-');
  const ruleArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-${name}-Source-rule`;

  const listOf = async (c: CodePipelineClient, name: string) =>
    (await c.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];
  const idsOf = async (c: CodePipelineClient, name: string) => (await listOf(c, name)).map((e) => e.pipelineExecutionId!);

  /** The revision an execution's source action produced (waits for it). */
  async function producedRevision(c: CodePipelineClient, name: string, id: string) {
    const exec = await until(
      async () => (await c.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!,
      (e) => (e.artifactRevisions?.length ?? 0) > 0 || e.status === 'Failed',
    );
    return exec.artifactRevisions?.[0]?.revisionId;
  }

  /** Creates the pipeline and lets its first execution finish (source read, approval approved); answers its id. */
  async function createAndFinish(c: CodePipelineClient, s: TriggerService, decl: PipelineDeclaration, expectedRevision: string) {
    await c.send(new CreatePipelineCommand({ pipeline: decl }));
    await s.settled();
    const ids = await idsOf(c, decl.name!);
    expect(ids).toHaveLength(1);
    expect(await producedRevision(c, decl.name!, ids[0])).toBe(expectedRevision);
    const token = await approvalToken(c, decl.name!, 'Approve', 'Approve');
    await c.send(
      new PutApprovalResultCommand({ pipelineName: decl.name, stageName: 'Approve', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ok' } }),
    );
    await waitForStatus(c, decl.name!, ids[0], 'Succeeded');
    await s.sync();
    expect(await idsOf(c, decl.name!)).toEqual(ids);
    return ids[0];
  }

  it('commits to the watched branch while stopped start exactly one execution, pinned to the newest; restarts start nothing more', async () => {
    const dataDir = freshDataDir();
    const repo = initRepo(path.join(dataDir, 'git', 'offline'));
    const initial = git(repo, 'rev-parse', 'HEAD');
    const decl = pipeline('cc-offline', source('CodeCommit', { RepositoryName: 'offline', BranchName: 'main', PollForSourceChanges: 'false' }));
    const first = await session(dataDir, (c, s) => createAndFinish(c, s, decl, initial));

    commit(repo, { 'a.txt': '1' }, 'while stopped 1');
    const newest = commit(repo, { 'a.txt': '2' }, 'while stopped 2');
    const caughtUp = await session(dataDir, async (c, s) => {
      const list = await listOf(c, 'cc-offline');
      expect(list.map((e) => e.pipelineExecutionId)).toEqual([expect.any(String), first]);
      expect(list[0].trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: ruleArn('cc-offline') });
      expect(await producedRevision(c, 'cc-offline', list[0].pipelineExecutionId!)).toBe(newest);
      await s.sync();
      expect(await idsOf(c, 'cc-offline')).toHaveLength(2);
      return list[0].pipelineExecutionId!;
    });

    await session(dataDir, async (c, s) => {
      await s.sync();
      expect(await idsOf(c, 'cc-offline')).toEqual([caughtUp, first]);
    });

    // Stopped again right after the catch-up started (its source action may not have run yet): its
    // pinned revision counts as seen by the next start.
    const third = commit(repo, { 'a.txt': '3' }, 'while stopped 3');
    const pinned = await session(dataDir, async (c) => {
      const list = await listOf(c, 'cc-offline');
      expect(list.map((e) => e.pipelineExecutionId)).toEqual([expect.any(String), caughtUp, first]);
      expect(list[0].trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: ruleArn('cc-offline') });
      return list[0].pipelineExecutionId!;
    });
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect(await idsOf(c, 'cc-offline')).toEqual([pinned, caughtUp, first]);
      const exec = (await c.send(new GetPipelineExecutionCommand({ pipelineName: 'cc-offline', pipelineExecutionId: pinned }))).pipelineExecution!;
      // Either its source ran before the stop (the pinned commit), or it was interrupted by the stop.
      if (exec.status === 'Failed') expect(exec.artifactRevisions ?? []).toEqual([]);
      else expect(exec.artifactRevisions?.[0]?.revisionId).toBe(third);
    });
  });

  it('a commit on another branch (or a tag) while stopped starts nothing', async () => {
    const dataDir = freshDataDir();
    const repo = initRepo(path.join(dataDir, 'git', 'branches'));
    const decl = pipeline('cc-branches', source('CodeCommit', { RepositoryName: 'branches', BranchName: 'main' }));
    const first = await session(dataDir, (c, s) => createAndFinish(c, s, decl, git(repo, 'rev-parse', 'HEAD')));
    commit(repo, { 'dev.txt': '1' }, 'on dev', 'dev');
    git(repo, 'tag', 'v1', 'dev');
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect(await idsOf(c, 'cc-branches')).toEqual([first]);
    });
  });

  it('V2 push filters decide (the change since the last revision must match); DetectChanges false catches nothing up', async () => {
    const dataDir = freshDataDir();
    const repo = initRepo(path.join(dataDir, 'git', 'acme', 'offline'));
    const initial = git(repo, 'rev-parse', 'HEAD');
    const conf = { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/offline', BranchName: 'main' };
    const filtered = pipeline('v2-offline', source('CodeStarSourceConnection', conf), {
      pipelineType: 'V2',
      triggers: [
        {
          providerType: 'CodeStarSourceConnection',
          gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] }, filePaths: { includes: ['src/**'] } }] },
        },
      ],
    });
    const off = pipeline('csc-offline-off', source('CodeStarSourceConnection', { ...conf, DetectChanges: 'false' }));
    const [firstFiltered, firstOff] = await session(dataDir, async (c, s) => [
      await createAndFinish(c, s, filtered, initial),
      await createAndFinish(c, s, off, initial),
    ]);

    commit(repo, { 'docs/guide.txt': '1' }, 'docs only');
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect(await idsOf(c, 'v2-offline')).toEqual([firstFiltered]);
      expect(await idsOf(c, 'csc-offline-off')).toEqual([firstOff]);
    });

    const sha = commit(repo, { 'src/app.js': '1' }, 'source change');
    await session(dataDir, async (c, s) => {
      const list = await listOf(c, 'v2-offline');
      expect(list.map((e) => e.pipelineExecutionId)).toEqual([expect.any(String), firstFiltered]);
      expect(list[0].trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
      expect(await producedRevision(c, 'v2-offline', list[0].pipelineExecutionId!)).toBe(sha);
      await s.sync();
      expect(await idsOf(c, 'v2-offline')).toHaveLength(2);
      expect(await idsOf(c, 'csc-offline-off')).toEqual([firstOff]);
    });
  });

  it('S3: a version uploaded while change detection was stopped starts one execution when it starts again', async () => {
    const dataDir = freshDataDir();
    const name = 's3-offline';
    const decl = pipeline(name, source('S3', { S3Bucket: 'offline-bucket', S3ObjectKey: 'app.zip' }));
    const first = await session(dataDir, async (c, s, e) => {
      const s3 = new S3Client({ endpoint: e.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: 'offline-bucket' }));
        const v1 = await s3.send(new PutObjectCommand({ Bucket: 'offline-bucket', Key: 'app.zip', Body: zipFiles([{ path: 'a', data: Buffer.from('1') }]) }));
        const id = await createAndFinish(c, s, decl, v1.VersionId!);
        e.triggers.stop();
        const v2 = await s3.send(new PutObjectCommand({ Bucket: 'offline-bucket', Key: 'app.zip', Body: zipFiles([{ path: 'a', data: Buffer.from('2') }]) }));
        expect(await idsOf(c, name)).toEqual([id]);
        const again = e.triggers.start();
        await again.settled();
        const list = await listOf(c, name);
        expect(list.map((x) => x.pipelineExecutionId)).toEqual([expect.any(String), id]);
        expect(list[0].trigger).toEqual({ triggerType: 'PollForSourceChanges' });
        expect(await producedRevision(c, name, list[0].pipelineExecutionId!)).toBe(v2.VersionId);
        return list.map((x) => x.pipelineExecutionId!);
      } finally {
        s3.destroy();
      }
    });
    await session(dataDir, async (c) => {
      expect(await idsOf(c, name)).toEqual(first);
    });
  });

  it('UpdatePipeline catches up (DetectChanges turned on); CreatePipeline starts only its own execution', async () => {
    const repo = initRepo(repoDir('acme', 'update'));
    const conf = { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/update', BranchName: 'main' };
    await create(pipeline('csc-update', source('CodeStarSourceConnection', { ...conf, DetectChanges: 'false' })));
    const [first] = await summaries('csc-update');
    expect(await summaries('csc-update')).toHaveLength(1);
    expect(await sourceRevision('csc-update', first.pipelineExecutionId!)).toBe(git(repo, 'rev-parse', 'HEAD'));
    const sha = commit(repo, { 'u.txt': '1' }, 'not detected');
    await svc.sync();
    expect(await summaries('csc-update')).toHaveLength(1);

    const { pipeline: current } = await cp.send(new GetPipelineCommand({ name: 'csc-update' }));
    current!.stages![0].actions![0].configuration = conf;
    await cp.send(new UpdatePipelineCommand({ pipeline: current }));
    await svc.settled();
    const list = await summaries('csc-update');
    expect(list.map((e) => e.pipelineExecutionId)).toEqual([expect.any(String), first.pipelineExecutionId]);
    expect(list[0].trigger).toEqual({ triggerType: 'Webhook', triggerDetail: CONNECTION });
    expect(await sourceRevision('csc-update', list[0].pipelineExecutionId!)).toBe(sha);
    await svc.sync();
    expect(await summaries('csc-update')).toHaveLength(2);
  });
});
