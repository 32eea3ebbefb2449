// Every commit to a watched ref starts exactly one execution, whatever the timing: repositories that
// do not exist yet cost nothing while waited for (no git process, whatever else is written under the
// data folder), a repository created and committed to right after CreatePipeline is never missed,
// commits, filter branches and tags pushed while the emulator was stopped start one execution each
// when it starts again, and the source action's log says what chose its revision.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
  type CodePipelineClient,
  type PipelineDeclaration,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gitSpawnListeners } from '../src/git/git.js';
import { ACCOUNT, client, rawCall } from './harness.js';
import { until } from './engineKit.js';
import { commitFiles, git, gitEnv } from './gitKit.js';
import { sourceAction, sourceThenApproval } from './sourceKit.js';
import { useFileSessions } from './sessionKit.js';
import { killEntry, startEntry, type Entry } from './scripts/entry.js';

const CONNECTION = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/11111111-2222-3333-4444-555555555555`;
const ruleArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-${name}-Source-rule`;

const { freshDataDir, session } = useFileSessions('cpl-commits-');
const children = new Set<Entry>();
afterAll(async () => {
  for (const e of children) await killEntry(e);
});

const gitAsync = promisify(execFile);
/** git without blocking the event loop the emulator shares with the test (a real race with its watchers). */
const gitLater = async (repo: string, ...args: string[]) =>
  (await gitAsync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: gitEnv })).stdout.trim();

/** Creates a repository with one commit (asynchronously); answers the commit. */
async function newRepository(repo: string, file = 'README.md'): Promise<string> {
  fs.mkdirSync(repo, { recursive: true });
  await gitLater(repo, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(repo, file), `${file}\n`);
  await gitLater(repo, 'add', '-A');
  await gitLater(repo, 'commit', '-q', '-m', 'initial');
  return gitLater(repo, 'rev-parse', 'HEAD');
}

/** Commits one file on a branch (created from main when new), then goes back to main; answers the commit. */
const commit = (repo: string, file: string, branch = 'main') =>
  commitFiles(repo, { [file]: `${file} ${Date.now()}\n` }, `change ${file}`, branch === 'main' ? undefined : branch);

const source = sourceAction;
const codeCommit = (repository: string) => source('CodeCommit', { RepositoryName: repository, BranchName: 'main', PollForSourceChanges: 'false' });
const pipeline = (name: string, src: ActionDeclaration, extra: Partial<PipelineDeclaration> = {}) => sourceThenApproval(name, src, 'commit-artifacts', extra);

/** A V2 connection pipeline whose trigger starts it for pushes to release/* and for tags v*. */
const filtered = (name: string, repository: string) =>
  pipeline(name, source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: repository, BranchName: 'main' }), {
    pipelineType: 'V2',
    triggers: [
      {
        providerType: 'CodeStarSourceConnection',
        gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['release/*'] } }, { tags: { includes: ['v*'] } }] },
      },
    ],
  });

const listOf = async (c: CodePipelineClient, name: string): Promise<PipelineExecutionSummary[]> =>
  (await c.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 100 }))).pipelineExecutionSummaries ?? [];
/** Executions as [trigger type, pinned source revision], newest first (CreatePipeline's has no pin to wait for). */
async function executionsOf(c: CodePipelineClient, name: string, count: number) {
  const list = await until(
    () => listOf(c, name),
    (l) => l.length >= count && l.every((e) => e.trigger?.triggerType === 'CreatePipeline' || e.status !== 'InProgress' || !!e.sourceRevisions?.length),
    10_000,
  );
  return list.map((e) => [e.trigger?.triggerType, e.trigger?.triggerType === 'CreatePipeline' ? undefined : e.sourceRevisions?.[0]?.revisionId]);
}

/** The source action's log line that says which revision it used and why. */
async function sourceLogLine(c: CodePipelineClient, endpoint: string, name: string, executionId: string, prefix = 'Using commit '): Promise<string | undefined> {
  const detail = await until(
    async () => (await c.send(new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: executionId } }))).actionExecutionDetails ?? [],
    (d) => d.some((a) => a.actionName === 'Source' && a.status !== 'InProgress'),
  );
  const id = detail.find((a) => a.actionName === 'Source')!.actionExecutionId;
  const log = await (await fetch(`${endpoint}/_logs/${id}`)).text();
  // Each line: "YYYY/MM/DD HH:MM:SS.ffffff <message>".
  return log
    .split('\n')
    .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} /, ''))
    .find((l) => l.startsWith(prefix));
}

describe('waiting for repositories that do not exist yet', () => {
  it('costs no git process, whatever is written under the data folder; the one created starts only its pipeline, once', async () => {
    const dataDir = freshDataDir();
    const gitRoot = path.join(dataDir, 'git');
    const WAITING = 200;
    const waitingPaths = new Set<string>();
    for (let i = 0; i < WAITING; i++)
      waitingPaths.add(i % 2 ? path.join(gitRoot, `waiting-${i}`) : path.join(gitRoot, 'later-org', `repo-${i}`));
    const spawns = new Map<string, number>();
    const count = (cwd: string) => spawns.set(path.resolve(cwd), (spawns.get(path.resolve(cwd)) ?? 0) + 1);
    gitSpawnListeners.add(count);
    try {
      await session(dataDir, async (c, s, e) => {
        const busy = path.join(gitRoot, 'busy');
        await newRepository(busy);
        await c.send(new CreatePipelineCommand({ pipeline: pipeline('busy', codeCommit('busy')) }));
        for (let i = 0; i < WAITING; i++) {
          const src =
            i % 2
              ? codeCommit(`waiting-${i}`)
              : source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: `later-org/repo-${i}`, BranchName: 'main' });
          await c.send(new CreatePipelineCommand({ pipeline: pipeline(`waiting-${i}`, src) }));
        }
        await s.settled();
        // One watch per folder however many wait in it: git/ for the CodeCommit names and for 'later-org'.
        expect(s.waitingFolders()).toEqual(new Map([[gitRoot, WAITING]]));

        // Writes under the data folder: S3 objects, commits to a watched repository, new unrelated repositories.
        const s3 = new S3Client({ endpoint: e.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
        try {
          await s3.send(new CreateBucketCommand({ Bucket: 'busy-bucket' }));
          for (let i = 0; i < 30; i++) await s3.send(new PutObjectCommand({ Bucket: 'busy-bucket', Key: `k${i}`, Body: `v${i}` }));
        } finally {
          s3.destroy();
        }
        for (let i = 0; i < 5; i++) commit(busy, `f${i}.txt`);
        for (let i = 0; i < 3; i++) await newRepository(path.join(gitRoot, `unrelated-${i}`));
        await until(() => listOf(c, 'busy'), (l) => l.filter((x) => x.trigger?.triggerType === 'CloudWatchEvent').length >= 1);
        await s.sync();
        expect(spawns.get(busy)).toBeGreaterThan(0);
        expect([...waitingPaths].filter((p) => spawns.has(p))).toEqual([]);

        // One of them is created and committed to: exactly that pipeline starts, once.
        const created = await newRepository(path.join(gitRoot, 'waiting-7'));
        expect(await executionsOf(c, 'waiting-7', 2)).toEqual([
          ['CloudWatchEvent', created],
          ['CreatePipeline', undefined],
        ]);
        const later = await newRepository(path.join(gitRoot, 'later-org', 'repo-8'));
        expect(await executionsOf(c, 'waiting-8', 2)).toEqual([
          ['Webhook', later],
          ['CreatePipeline', undefined],
        ]);
        await s.sync();
        expect((await listOf(c, 'waiting-7')).length).toBe(2);
        expect((await listOf(c, 'waiting-8')).length).toBe(2);
        for (const other of ['waiting-1', 'waiting-2', 'waiting-199']) expect((await listOf(c, other)).length).toBe(1);
        waitingPaths.delete(path.join(gitRoot, 'waiting-7'));
        waitingPaths.delete(path.join(gitRoot, 'later-org', 'repo-8'));
        expect([...waitingPaths].filter((p) => spawns.has(p))).toEqual([]);
      });
    } finally {
      gitSpawnListeners.delete(count);
    }
  }, 120_000);
});

describe('waiting through folders that come and go', () => {
  it('a folder on the way removed and made again: the repository created in it later still starts the pipeline once', async () => {
    const dataDir = freshDataDir();
    await session(dataDir, async (c, s) => {
      const owner = path.join(dataDir, 'git', 'comes-and-goes');
      fs.mkdirSync(path.dirname(owner));
      await c.send(
        new CreatePipelineCommand({
          pipeline: pipeline('goes', source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: 'comes-and-goes/app', BranchName: 'main' })),
        }),
      );
      await s.settled();
      const gitRoot = path.join(dataDir, 'git');
      const folders = async () => [...s.waitingFolders().keys()];
      expect(await folders()).toEqual([gitRoot]);
      fs.mkdirSync(owner, { recursive: true });
      await until(folders, (f) => f.length === 1 && f[0] === owner);
      fs.rmSync(owner, { recursive: true });
      await until(folders, (f) => f.length === 1 && f[0] === gitRoot);
      const first = await newRepository(path.join(owner, 'app'));
      expect(await executionsOf(c, 'goes', 2)).toEqual([
        ['Webhook', first],
        ['CreatePipeline', undefined],
      ]);
    });
  }, 60_000);
});

describe('a repository created right after its pipeline', () => {
  it('its first commit starts exactly one execution, every time (20 tries), and a restart starts none', async () => {
    const dataDir = freshDataDir();
    const TRIES = 20;
    const commits: string[] = [];
    await session(dataDir, async (c, s) => {
      // Each repository is created and committed to right after its pipeline, while the next pipelines
      // are being created (the emulator busy, as with a script creating several).
      const pending: Promise<string>[] = [];
      for (let i = 0; i < TRIES; i++) {
        await c.send(new CreatePipelineCommand({ pipeline: pipeline(`race-${i}`, codeCommit(`race-${i}`)) }));
        pending.push(newRepository(path.join(dataDir, 'git', `race-${i}`)));
      }
      commits.push(...(await Promise.all(pending)));
      for (let i = 0; i < TRIES; i++) {
        const list = await until(
          () => listOf(c, `race-${i}`),
          (l) => l.some((x) => x.trigger?.triggerType === 'CloudWatchEvent' && !!x.sourceRevisions?.length),
          10_000,
        );
        expect(list.filter((x) => x.trigger?.triggerType !== 'CreatePipeline').map((x) => [x.trigger, x.sourceRevisions?.[0]?.revisionId])).toEqual([
          [{ triggerType: 'CloudWatchEvent', triggerDetail: ruleArn(`race-${i}`) }, commits[i]],
        ]);
      }
      await s.sync();
      for (let i = 0; i < TRIES; i++) expect((await listOf(c, `race-${i}`)).length).toBe(2);
    });
    await session(dataDir, async (c, s) => {
      await s.sync();
      for (let i = 0; i < TRIES; i++) expect((await listOf(c, `race-${i}`)).length).toBe(2);
    });
  }, 120_000);
});

describe('commits made while the emulator was stopped', () => {
  it('a repository created and committed to while stopped starts its pipeline once after the restart; a second restart starts none', async () => {
    const dataDir = freshDataDir();
    await session(dataDir, async (c, s) => {
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('offline-new', codeCommit('offline-new')) }));
      await s.settled();
      await until(() => listOf(c, 'offline-new'), (l) => l.length === 1 && l[0].status === 'Failed');
    });
    const first = await newRepository(path.join(dataDir, 'git', 'offline-new'));
    const ids = await session(dataDir, async (c, s, e) => {
      expect(await executionsOf(c, 'offline-new', 2)).toEqual([
        ['CloudWatchEvent', first],
        ['CreatePipeline', undefined],
      ]);
      const list = await listOf(c, 'offline-new');
      expect(await sourceLogLine(c, e.endpoint, 'offline-new', list[0].pipelineExecutionId!)).toBe(
        `Using commit ${first} on refs/heads/main, pushed while change detection was not running (caught up when it started)`,
      );
      await s.sync();
      return (await listOf(c, 'offline-new')).map((x) => x.pipelineExecutionId);
    });
    expect(ids).toHaveLength(2);
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect((await listOf(c, 'offline-new')).map((x) => x.pipelineExecutionId)).toEqual(ids);
    });
  }, 60_000);

  it('a new branch matching a V2 push filter, a commit on it, and a new tag each start one execution after a restart; main does not', async () => {
    const dataDir = freshDataDir();
    const repo = path.join(dataDir, 'git', 'acme', 'filtered');
    const initial = await newRepository(repo);
    await session(dataDir, async (c, s) => {
      await c.send(new CreatePipelineCommand({ pipeline: filtered('filtered', 'acme/filtered') }));
      await s.settled();
      expect(await executionsOf(c, 'filtered', 1)).toEqual([['CreatePipeline', undefined]]);
    });

    commit(repo, 'main-only.txt');
    const release = commit(repo, 'r1.txt', 'release/1');
    const afterBranch = await session(dataDir, async (c, s, e) => {
      expect(await executionsOf(c, 'filtered', 2)).toEqual([
        ['WebhookV2', release],
        ['CreatePipeline', undefined],
      ]);
      const [newest] = await listOf(c, 'filtered');
      expect(newest.trigger).toEqual({ triggerType: 'WebhookV2', triggerDetail: CONNECTION });
      expect(await sourceLogLine(c, e.endpoint, 'filtered', newest.pipelineExecutionId!)).toBe(
        `Using commit ${release} on refs/heads/release/1, pushed while change detection was not running (caught up when it started)`,
      );
      await s.sync();
      return (await listOf(c, 'filtered')).map((x) => x.pipelineExecutionId);
    });
    expect(afterBranch).toHaveLength(2);

    const again = commit(repo, 'r2.txt', 'release/1');
    git(repo, 'tag', 'v1.2', initial);
    git(repo, 'tag', 'other', initial);
    const afterTag = await session(dataDir, async (c, s, e) => {
      const list = await executionsOf(c, 'filtered', 4);
      expect(list.slice(2)).toEqual([
        ['WebhookV2', release],
        ['CreatePipeline', undefined],
      ]);
      expect(list.slice(0, 2).map(([t]) => t)).toEqual(['WebhookV2', 'WebhookV2']);
      expect(list.slice(0, 2).map(([, r]) => r).sort()).toEqual([again, initial].sort());
      const summaries = await listOf(c, 'filtered');
      const tagged = summaries.find((x) => x.sourceRevisions?.[0]?.revisionId === initial)!;
      expect(await sourceLogLine(c, e.endpoint, 'filtered', tagged.pipelineExecutionId!)).toBe(
        `Using commit ${initial}, the tag v1.2 pushed while change detection was not running (caught up when it started)`,
      );
      await s.sync();
      return summaries.map((x) => x.pipelineExecutionId);
    });
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect((await listOf(c, 'filtered')).map((x) => x.pipelineExecutionId)).toEqual(afterTag);
    });
  }, 60_000);

  it('pipelines created while change detection was not running (or by an older version), on an empty or missing repository: the first commit is caught up', async () => {
    const dataDir = freshDataDir();
    const emptyRepo = path.join(dataDir, 'git', 'was-empty');
    fs.mkdirSync(emptyRepo, { recursive: true });
    await gitLater(emptyRepo, 'init', '-q', '-b', 'main');
    const ids = await session(dataDir, async (c, _s, e) => {
      e.triggers.stop();
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('was-empty', codeCommit('was-empty')) }));
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('was-missing', codeCommit('was-missing')) }));
      for (const name of ['was-empty', 'was-missing']) await until(() => listOf(c, name), (l) => l.length === 1 && l[0].status === 'Failed');
      const first = commit(emptyRepo, 'first.txt');
      const created = await newRepository(path.join(dataDir, 'git', 'was-missing'));
      const again = e.triggers.start();
      await again.settled();
      expect(await executionsOf(c, 'was-empty', 2)).toEqual([
        ['CloudWatchEvent', first],
        ['CreatePipeline', undefined],
      ]);
      expect(await executionsOf(c, 'was-missing', 2)).toEqual([
        ['CloudWatchEvent', created],
        ['CreatePipeline', undefined],
      ]);
      const [newest] = await listOf(c, 'was-empty');
      expect(await sourceLogLine(c, e.endpoint, 'was-empty', newest.pipelineExecutionId!)).toBe(
        `Using commit ${first} on refs/heads/main, pushed while change detection was not running (caught up when it started)`,
      );
      await again.sync();
      return [await listOf(c, 'was-empty'), await listOf(c, 'was-missing')].map((l) => l.map((x) => x.pipelineExecutionId));
    });
    await session(dataDir, async (c, s) => {
      await s.sync();
      expect([await listOf(c, 'was-empty'), await listOf(c, 'was-missing')].map((l) => l.map((x) => x.pipelineExecutionId))).toEqual(ids);
    });
  }, 60_000);
});

describe('commits made while the real CLI entry was stopped', () => {
  /** Runs the CLI entry on the data dir for `fn`, then stops it with SIGTERM. */
  async function cli<T>(dataDir: string, fn: (c: CodePipelineClient) => Promise<T>): Promise<T> {
    const e = await startEntry({ args: ['--port', '0', '--log-level', 'warn', '--data-dir', dataDir] });
    children.add(e);
    const c = client(e.endpoint);
    try {
      return await fn(c);
    } finally {
      c.destroy();
      e.child.kill('SIGTERM');
      await e.exited;
      children.delete(e);
    }
  }
  const executions = async (c: CodePipelineClient, name: string) =>
    (await listOf(c, name)).map((x) => [x.pipelineExecutionId, x.trigger?.triggerType, x.sourceRevisions?.[0]?.revisionId]);

  it('the own branch of a repository created while stopped, a filter branch and a tag: one execution each after a restart, none after the next', async () => {
    const dataDir = freshDataDir();
    const filteredRepo = path.join(dataDir, 'git', 'acme', 'cli');
    const ccRepo = path.join(dataDir, 'git', 'cli-cc');
    const initial = await newRepository(filteredRepo);
    await cli(dataDir, async (c) => {
      await c.send(new CreatePipelineCommand({ pipeline: filtered('cli-filtered', 'acme/cli') }));
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('cli-cc', codeCommit('cli-cc')) }));
      await until(() => listOf(c, 'cli-cc'), (l) => l.length === 1 && l[0].status === 'Failed');
      await until(() => listOf(c, 'cli-filtered'), (l) => l.length === 1 && !!l[0].sourceRevisions?.length);
    });

    const ccFirst = await newRepository(ccRepo);
    const release = commit(filteredRepo, 'r.txt', 'release/9');
    git(filteredRepo, 'tag', 'v9', initial);
    const before = await cli(dataDir, async (c) => {
      expect(await executionsOf(c, 'cli-cc', 2)).toEqual([
        ['CloudWatchEvent', ccFirst],
        ['CreatePipeline', undefined],
      ]);
      const list = await executionsOf(c, 'cli-filtered', 3);
      expect(list[2]).toEqual(['CreatePipeline', undefined]);
      expect(list.slice(0, 2).map(([t]) => t)).toEqual(['WebhookV2', 'WebhookV2']);
      expect(list.slice(0, 2).map(([, r]) => r).sort()).toEqual([release, initial].sort());
      return { cc: await executions(c, 'cli-cc'), filtered: await executions(c, 'cli-filtered') };
    });

    await cli(dataDir, async (c) => {
      // A push after the restart is handled after the restart's catch-up of the same repository: once
      // its execution shows, the catch-up is done, and it started nothing.
      const ccNext = commit(ccRepo, 'next.txt');
      const releaseNext = commit(filteredRepo, 'next.txt', 'release/9');
      expect(await executionsOf(c, 'cli-cc', 3)).toEqual([['CloudWatchEvent', ccNext], ...before.cc.map(([, t, r]) => [t, t === 'CreatePipeline' ? undefined : r])]);
      expect((await executionsOf(c, 'cli-filtered', 4))[0]).toEqual(['WebhookV2', releaseNext]);
      expect((await executions(c, 'cli-cc')).slice(1)).toEqual(before.cc);
      expect((await executions(c, 'cli-filtered')).slice(1).map(([id]) => id)).toEqual(before.filtered.map(([id]) => id));
    });
  }, 120_000);
});

describe("the source action's log says what chose its commit", () => {
  it('the branch head, a push, a tag push, a pull request, and the StartPipelineExecution override', async () => {
    const dataDir = freshDataDir();
    await session(dataDir, async (c, s, e) => {
      const repo = path.join(dataDir, 'git', 'acme', 'logs');
      const initial = await newRepository(repo);
      await c.send(new CreatePipelineCommand({ pipeline: filtered('logs', 'acme/logs') }));
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('logs-cc', codeCommit('logs-cc')) }));
      const ccRepo = path.join(dataDir, 'git', 'logs-cc');
      await s.settled();
      const [created] = await listOf(c, 'logs');
      expect(await sourceLogLine(c, e.endpoint, 'logs', created.pipelineExecutionId!)).toBe(
        `Using commit ${initial}, the head of branch 'main' when the source action ran`,
      );

      const pushed = commit(repo, 'a.txt', 'release/2');
      await until(() => listOf(c, 'logs'), (l) => l.length === 2);
      const [onBranch] = await listOf(c, 'logs');
      expect(await sourceLogLine(c, e.endpoint, 'logs', onBranch.pipelineExecutionId!)).toBe(
        `Using commit ${pushed} on refs/heads/release/2, the push that triggered this execution`,
      );

      git(repo, 'tag', '-a', 'v3.0', '-m', 'annotated', initial);
      await until(() => listOf(c, 'logs'), (l) => l.length === 3);
      const [onTag] = await listOf(c, 'logs');
      expect(await sourceLogLine(c, e.endpoint, 'logs', onTag.pipelineExecutionId!)).toBe(
        `Using commit ${initial}, the tag v3.0 pushed, which triggered this execution`,
      );

      const overridden = await c.send(
        new StartPipelineExecutionCommand({ name: 'logs', sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: pushed }] }),
      );
      expect(await sourceLogLine(c, e.endpoint, 'logs', overridden.pipelineExecutionId!)).toBe(
        `Using commit ${pushed}, the revision StartPipelineExecution's sourceRevisions override asked for`,
      );
      // Members of the override beyond AWS's own do not reach the execution (they cannot pose as a push).
      const posing = await rawCall(
        e.endpoint,
        'CodePipeline_20150709.StartPipelineExecution',
        JSON.stringify({ name: 'logs', sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: pushed, ref: 'refs/tags/v9', detectedBy: 'push' }] }),
        { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20240101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=x` },
      );
      expect(posing.status).toBe(200);
      expect(await sourceLogLine(c, e.endpoint, 'logs', posing.json.pipelineExecutionId)).toBe(
        `Using commit ${pushed}, the revision StartPipelineExecution's sourceRevisions override asked for`,
      );

      const first = await newRepository(ccRepo);
      const list = await until(() => listOf(c, 'logs-cc'), (l) => l.length === 2);
      expect(await sourceLogLine(c, e.endpoint, 'logs-cc', list[0].pipelineExecutionId!)).toBe(
        `Using commit ${first} on refs/heads/main, the push that triggered this execution`,
      );
      await s.sync();
    });
  }, 60_000);

  it('a simulated pull request', async () => {
    const dataDir = freshDataDir();
    await session(dataDir, async (c, s, e) => {
      const repo = path.join(dataDir, 'git', 'acme', 'prs');
      await newRepository(repo);
      const decl = pipeline('prs', source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/prs', BranchName: 'main' }), {
        pipelineType: 'V2',
        triggers: [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', pullRequest: [{ events: ['OPEN'], branches: { includes: ['main'] } }] } }],
      });
      await c.send(new CreatePipelineCommand({ pipeline: decl }));
      await s.settled();
      const feature = commit(repo, 'f.txt', 'feature/x');
      const res = await fetch(`${e.endpoint}/_local/pull-request?account=${ACCOUNT}&region=us-east-1`, {
        method: 'POST',
        body: JSON.stringify({ FullRepositoryId: 'acme/prs', event: 'OPEN', sourceBranch: 'feature/x', destinationBranch: 'main' }),
      });
      const { started } = await res.json();
      expect(await sourceLogLine(c, e.endpoint, 'prs', started[0].pipelineExecutionId)).toBe(
        `Using commit ${feature}, the head of refs/heads/feature/x, the source branch of the pull request that triggered this execution`,
      );
    });
  }, 60_000);

  it('S3: an upload seen as it happens, one made while change detection was stopped, and the override', async () => {
    const dataDir = freshDataDir();
    await session(dataDir, async (c, s, e) => {
      const s3 = new S3Client({ endpoint: e.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: 'log-uploads' }));
        const put = (body: string) => s3.send(new PutObjectCommand({ Bucket: 'log-uploads', Key: 'app.zip', Body: body }));
        const v1 = await put('1');
        await c.send(new CreatePipelineCommand({ pipeline: pipeline('s3-logs', source('S3', { S3Bucket: 'log-uploads', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' })) }));
        await s.settled();
        const line = async (id: string) => sourceLogLine(c, e.endpoint, 's3-logs', id, 'Reading ');
        const [created] = await listOf(c, 's3-logs');
        expect(await line(created.pipelineExecutionId!)).toBe('Reading the latest version of s3://log-uploads/app.zip');

        const v2 = await put('2');
        const [uploaded] = await until(() => listOf(c, 's3-logs'), (l) => l.length === 2);
        expect(await line(uploaded.pipelineExecutionId!)).toBe(`Reading version ${v2.VersionId} of s3://log-uploads/app.zip (the upload that triggered this execution)`);

        e.triggers.stop();
        const v3 = await put('3');
        await e.triggers.start().settled();
        const [caughtUp] = await until(() => listOf(c, 's3-logs'), (l) => l.length === 3);
        expect(await line(caughtUp.pipelineExecutionId!)).toBe(
          `Reading version ${v3.VersionId} of s3://log-uploads/app.zip (uploaded while change detection was not running, caught up when it started)`,
        );

        const asked = await c.send(
          new StartPipelineExecutionCommand({ name: 's3-logs', sourceRevisions: [{ actionName: 'Source', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: v1.VersionId }] }),
        );
        expect(await line(asked.pipelineExecutionId!)).toBe(
          `Reading version ${v1.VersionId} of s3://log-uploads/app.zip (the revision StartPipelineExecution's sourceRevisions override asked for)`,
        );
      } finally {
        s3.destroy();
      }
    });
  }, 60_000);
});
