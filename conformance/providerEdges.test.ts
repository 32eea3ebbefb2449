// Edges of the local action providers and triggers: a stop while a build is still downloading its
// inputs, zip bombs in input artifacts, exported variables over AWS's size limit, clone references
// that are not what the emulator writes, a repository folder inside another git repository, a
// repository created (slowly) under folders that do not exist yet, and configuration look-ups by
// names such as 'constructor'.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  PutJobSuccessResultCommand,
  type ActionDeclaration,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { zipFiles } from '../src/util/zip.js';
import { CLONE_REF_FILE } from '../src/providers/sources/gitSource.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, newestExecutionId, pipelineOf, takeJob, until, waitForStatus } from './engineKit.js';
import { actionExecution, codeBuildAction } from './localBuildKit.js';
import { git } from './gitKit.js';

const CONFIG = (tmp: string) => `
codebuild:
  projects:
    plain:
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - echo built
    late-sleeper:
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - sleep 37.4242
    big-export:
      buildspec: |
        version: 0.2
        env:
          exported-variables: [BIG]
        phases:
          build:
            commands:
              - export BIG=$(head -c 130000 /dev/zero | tr '\\0' x)
repositories:
  nested: ${path.join(tmp, 'outer', 'inner')}
  deep: ${path.join(tmp, 'not-yet', 'a', 'b', 'deep')}
  shared: ${path.join(tmp, 'shared')}
lambda:
  functions: {}
`;

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let tmp: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function initRepoWithCommit(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return git(dir, 'rev-parse', 'HEAD');
}

/** Pids of live processes whose arguments include `arg` (Linux /proc). */
function processesWithArg(arg: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const args = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\u0000');
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (args.includes(arg) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(e));
    } catch {
      // Gone.
    }
  }
  return out;
}

/** Creates the pipeline and answers its custom source job with `zip` as the output artifact. */
async function startWithZip(decl: PipelineDeclaration, zip: Buffer, target = emu) {
  const c = target === emu ? cp : client(target.endpoint);
  await c.send(new CreatePipelineCommand({ pipeline: decl }));
  const id = await newestExecutionId(c, decl.name!);
  const job = await takeJob(c, SOURCE_TYPE, { Repo: decl.name! });
  const s3 = job.data!.outputArtifacts![0].location!.s3Location!;
  await target.engine.artifacts.put(ACCOUNT, { bucket: s3.bucketName!, key: s3.objectKey! }, zip);
  await c.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'rev-1', changeIdentifier: 'rev-1' } }));
  return id;
}

/**
 * A zip bomb: one deflate stream of `size` zero bytes (about size/1000 bytes compressed) that `count`
 * central directory entries all point to, so the archive claims count * size bytes of files.
 */
function zipBomb(size: number, count: number): Buffer {
  const data = zlib.deflateRawSync(Buffer.alloc(size), { level: 9 });
  const local = Buffer.alloc(30 + 1);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(1, 26);
  local.write('a', 30);
  const central: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const name = `file${i}.bin`;
    const h = Buffer.alloc(46 + name.length);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt16LE(8, 10);
    h.writeUInt32LE(data.length, 20);
    h.writeUInt32LE(size, 24);
    h.writeUInt16LE(name.length, 28);
    h.writeUInt32LE(0, 42); // every entry's data is the same local file
    h.write(name, 46);
    central.push(h);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(local.length + data.length, 16);
  return Buffer.concat([local, data, cd, end]);
}

const BOMB_MESSAGE = /expands to more than 4,294,967,296 bytes/;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-edges-'));
  fs.writeFileSync(path.join(tmp, 'config.yml'), CONFIG(tmp));
  emu = await startEmulator({ configFile: path.join(tmp, 'config.yml') });
  cp = client(emu.endpoint);
  await createCustomTypes(cp);
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('stopping the emulator', () => {
  it('a build still downloading its inputs when stop() is called never starts its shell afterwards', async () => {
    const other = await startEmulator({ configFile: path.join(tmp, 'config.yml') });
    const c = client(other.endpoint);
    await createCustomTypes(c);
    // Hold the build's download of its input artifact until the emulator has stopped.
    const real = other.engine.artifacts;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const downloading = new Promise<void>((r) => (entered = r));
    let sourceWritten = false;
    other.engine.artifacts = {
      put: async (account, loc, body) => {
        const out = await real.put(account, loc, body);
        if (loc.key.includes('SourceOut')) sourceWritten = true;
        return out;
      },
      get: async (loc, v) => {
        if (!sourceWritten || !loc.key.includes('SourceOut')) return real.get(loc, v);
        // The read completes, but its answer arrives only after stop() (a large artifact, a slow disk).
        const body = await real.get(loc, v);
        entered();
        await gate;
        return body;
      },
    };
    const found: number[] = [];
    try {
      await startWithZip(pipelineOf('late-start', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'late-sleeper' })] }]), zipFiles([{ path: 'a.txt', data: Buffer.from('a') }]), other);
      await Promise.race([downloading, sleep(5000).then(() => Promise.reject(new Error('the build never downloaded its input')))]);
      await other.stop();
      release();
      await sleep(1500);
      found.push(...processesWithArg('37.4242'));
      expect(found).toEqual([]);
    } finally {
      release();
      for (const pid of found) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('zip bombs in input artifacts', () => {
  it('a CodeBuild input that expands past the limit fails in DOWNLOAD_SOURCE without extracting it', async () => {
    const bomb = zipBomb(256 * 1024 * 1024, 17);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const id = await startWithZip(pipelineOf('bomb-build', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] }]), bomb);
    await waitForStatus(cp, 'bomb-build', id, 'Failed');
    const detail = await actionExecution(cp, 'bomb-build', id, 'Build');
    expect(detail.status).toBe('Failed');
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      'Build terminated with state: FAILED. Phase: DOWNLOAD_SOURCE, Code: CLIENT_ERROR, Message: the input artifact SourceOut expands to more than 4,294,967,296 bytes (its entries claim 4,563,402,752 bytes), the limit of an artifact codepipeline-local extracts (--max-artifact-size): refusing to extract it',
    );
  });

  it('a CloudFormation template read from a bomb fails the action with the same limit', async () => {
    const bomb = zipBomb(256 * 1024 * 1024, 17);
    const deploy: ActionDeclaration = {
      name: 'Deploy',
      actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'bomb', TemplatePath: 'SourceOut::file0.bin', RoleArn: `arn:aws:iam::${ACCOUNT}:role/cfn` },
      inputArtifacts: [{ name: 'SourceOut' }],
    };
    const id = await startWithZip(pipelineOf('bomb-cfn', [{ name: 'Deploy', actions: [deploy] }]), bomb);
    await waitForStatus(cp, 'bomb-cfn', id, 'Failed');
    const detail = await actionExecution(cp, 'bomb-cfn', id, 'Deploy');
    expect(detail.output!.executionResult!.externalExecutionSummary).toMatch(BOMB_MESSAGE);
  });
});

describe('exported variables', () => {
  it('exported variables over the 122,880-byte limit fail the build instead of becoming output variables', async () => {
    const id = await startWithZip(pipelineOf('big-export', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'big-export' }, { namespace: 'B' })] }]), zipFiles([{ path: 'a', data: Buffer.from('a') }]));
    await waitForStatus(cp, 'big-export', id, 'Failed');
    const detail = await actionExecution(cp, 'big-export', id, 'Build');
    expect(detail.output!.outputVariables ?? {}).toEqual({});
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      'Build terminated with state: FAILED. Phase: UPLOAD_ARTIFACTS, Code: CLIENT_ERROR, Message: the exported variables total 130,003 bytes, over the limit of 122,880 bytes for all output variables of an action',
    );
  });
});

describe('CODEBUILD_CLONE_REF artifacts', () => {
  it('a clone reference that is not a local file:// repository is refused before git sees it', async () => {
    const ref = { version: 1, provider: 'CodeCommit', repository: 'x', repositoryPath: '/nowhere', cloneUrl: 'http://127.0.0.1:9/x.git', branch: 'main', commitId: 'a'.repeat(40) };
    const id = await startWithZip(pipelineOf('bad-clone-url', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] }]), zipFiles([{ path: CLONE_REF_FILE, data: Buffer.from(JSON.stringify(ref)) }]));
    await waitForStatus(cp, 'bad-clone-url', id, 'Failed');
    const detail = await actionExecution(cp, 'bad-clone-url', id, 'Build');
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      "Build terminated with state: FAILED. Phase: DOWNLOAD_SOURCE, Code: CLIENT_ERROR, Message: the clone reference in the input artifact SourceOut is not valid: cloneUrl 'http://127.0.0.1:9/x.git' is not a file:// URL",
    );
  });

  it('a commit id or branch that looks like an option is refused', async () => {
    const repo = path.join(tmp, 'clone-src');
    initRepoWithCommit(repo);
    const ref = { version: 1, provider: 'CodeCommit', repository: 'x', repositoryPath: repo, cloneUrl: `file://${repo}`, branch: 'main', commitId: '--detach' };
    const id = await startWithZip(pipelineOf('bad-clone-commit', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] }]), zipFiles([{ path: CLONE_REF_FILE, data: Buffer.from(JSON.stringify(ref)) }]));
    await waitForStatus(cp, 'bad-clone-commit', id, 'Failed');
    const detail = await actionExecution(cp, 'bad-clone-commit', id, 'Build');
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      "Build terminated with state: FAILED. Phase: DOWNLOAD_SOURCE, Code: CLIENT_ERROR, Message: the clone reference in the input artifact SourceOut is not valid: commitId '--detach' is not a commit id",
    );
  });
});

const codeCommit = (repository: string, extra: Record<string, string> = {}): ActionDeclaration => ({
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
  configuration: { RepositoryName: repository, BranchName: 'main', ...extra },
  outputArtifacts: [{ name: 'SourceOut' }],
});

const gitPipeline = (name: string, src: ActionDeclaration): PipelineDeclaration => ({
  name,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
  artifactStore: { type: 'S3', location: 'edge-artifacts' },
  stages: [
    { name: 'Source', actions: [src] },
    { name: 'Approve', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
  ],
});

const summaries = async (name: string) => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];

describe('git repositories', () => {
  it('a repository folder that is not itself a git repository is not the enclosing repository', async () => {
    initRepoWithCommit(path.join(tmp, 'outer'));
    fs.mkdirSync(path.join(tmp, 'outer', 'inner'));
    await cp.send(new CreatePipelineCommand({ pipeline: gitPipeline('enclosed', codeCommit('nested')) }));
    const id = await newestExecutionId(cp, 'enclosed');
    await waitForStatus(cp, 'enclosed', id, 'Failed');
    const detail = await actionExecution(cp, 'enclosed', id, 'Source');
    // The folder is named, not where it is on this machine.
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      "The repository named 'nested' does not exist (the local configuration maps it to the folder 'inner', which holds no git repository)",
    );
  });

  it('a repository created later under folders that did not exist starts the pipeline', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: gitPipeline('deep-later', codeCommit('deep', { PollForSourceChanges: 'false' })) }));
    await until(() => summaries('deep-later'), (s) => s.length === 1 && s[0].status === 'Failed');
    const repo = path.join(tmp, 'not-yet', 'a', 'b', 'deep');
    // As a user would: the folders first, then (a moment later, another process) git init and a commit.
    fs.mkdirSync(repo, { recursive: true });
    await sleep(300);
    const commit = initRepoWithCommit(repo);
    const list = await until(() => summaries('deep-later'), (s) => s.length >= 2 && !!s[0].sourceRevisions?.length, 5000);
    expect(list).toHaveLength(2);
    expect(list[0].trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-deep-later-Source-rule` });
    expect(list[0].sourceRevisions?.[0]?.revisionId).toBe(commit);
  });
});

describe('triggers', () => {
  it('a commit to a branch that several pipelines watch starts each of them exactly once', async () => {
    const repo = path.join(tmp, 'shared');
    initRepoWithCommit(repo);
    for (const name of ['shared-a', 'shared-b']) {
      await cp.send(new CreatePipelineCommand({ pipeline: gitPipeline(name, codeCommit('shared', { PollForSourceChanges: 'false' })) }));
      await until(() => summaries(name), (s) => s.length === 1);
    }
    const svc = emu.triggers.service!;
    await svc.sync();
    fs.writeFileSync(path.join(repo, 'b.txt'), 'b\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'second');
    await until(async () => [...(await summaries('shared-a')), ...(await summaries('shared-b'))], (s) => s.length >= 4, 5000);
    await svc.sync();
    await sleep(300);
    for (const name of ['shared-a', 'shared-b'])
      expect((await summaries(name)).map((s) => s.trigger?.triggerType)).toEqual(['CloudWatchEvent', 'CreatePipeline']);
    expect(svc.watchedRepositories().filter((r) => r === repo)).toEqual([repo]);
  });
});

describe('local configuration look-ups', () => {
  it("a Lambda FunctionName such as 'constructor' is not found on the object prototype", async () => {
    const invoke: ActionDeclaration = {
      name: 'Invoke',
      actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      configuration: { FunctionName: 'constructor' },
    };
    const id = await startWithZip(pipelineOf('proto-lambda', [{ name: 'Invoke', actions: [invoke] }]), zipFiles([{ path: 'a', data: Buffer.from('a') }]));
    await waitForStatus(cp, 'proto-lambda', id, 'Failed');
    const detail = await actionExecution(cp, 'proto-lambda', id, 'Invoke');
    expect(detail.output!.executionResult!.externalExecutionSummary).toBe(
      "The Lambda function 'constructor' has no local handler: map it under lambda.functions in the codepipeline-local configuration (handler: a JS module exporting handler(event, context), or command: a shell command), or create it with inline code in a stack",
    );
  });
});
