// Source actions end to end: CodeCommit and CodeStarSourceConnection read local git repositories,
// S3 reads object versions, ECR answers an image digest; a custom build job reads the source zip.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
  type SourceRevisionOverride,
} from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { readZip, zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { BUILD_TYPE, buildAction, createCustomTypes, newestExecutionId, takeJob, waitForStatus } from './engineKit.js';
import { git, gitEnv } from './gitKit.js';

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let tmp: string;
const CONNECTION = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/0123abcd-aaaa-bbbb-cccc-0123456789ab`;
const ECR_DIGEST = `sha256:${'ab'.repeat(32)}`;

// ---- git in a temp folder ----
function initRepo(dir: string, branch = 'main') {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', branch);
  return dir;
}

/** Writes files (null deletes) and commits them; returns the commit id. */
function commit(repo: string, files: Record<string, string | null>, message: string, date?: string): string {
  for (const [f, content] of Object.entries(files)) {
    const p = path.join(repo, f);
    if (content === null) fs.rmSync(p);
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
  }
  git(repo, 'add', '-A');
  const env = date ? ['-c', `user.name=Dev`] : [];
  execFileSync('git', ['-c', 'commit.gpgsign=false', ...env, 'commit', '-q', '-m', message], {
    cwd: repo,
    env: { ...gitEnv, ...(date && { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }) },
  });
  return git(repo, 'rev-parse', 'HEAD');
}

// ---- pipelines ----
const source = (provider: string, configuration: Record<string, string>, namespace = 'SourceVariables'): ActionDeclaration => ({
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' },
  configuration,
  outputArtifacts: [{ name: 'SourceOut' }],
  namespace,
});

async function createPipeline(name: string, src: ActionDeclaration) {
  await cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        artifactStore: { type: 'S3', location: 'local-artifacts' },
        stages: [
          { name: 'Source', actions: [src] },
          { name: 'Build', actions: [buildAction('Build', name, { inputArtifacts: [{ name: 'SourceOut' }] })] },
        ],
      },
    }),
  );
  return newestExecutionId(cp, name);
}

/** The build job of the pipeline: the source zip's files (path -> text), then the job succeeds. */
async function buildReadsSource(name: string): Promise<Record<string, string>> {
  const job = await takeJob(cp, BUILD_TYPE, { Project: name });
  const s3 = job.data!.inputArtifacts![0].location!.s3Location!;
  const zip = await emu.engine.artifacts.get({ bucket: s3.bucketName!, key: s3.objectKey! });
  expect(zip).toBeDefined();
  await cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
  return Object.fromEntries([...readZip(zip!)].map(([p, d]) => [p, Buffer.from(d).toString('utf8')]));
}

async function sourceExecution(name: string, executionId: string) {
  const out = await cp.send(new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: executionId } }));
  return out.actionExecutionDetails!.find((d) => d.actionName === 'Source')!;
}

const execution = async (name: string, id: string) =>
  (await cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!;

async function start(name: string, sourceRevisions?: SourceRevisionOverride[]) {
  return (await cp.send(new StartPipelineExecutionCommand({ name, sourceRevisions }))).pipelineExecutionId!;
}

let repos: { app: string; web: string; octo: string };
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-sources-'));
  repos = { app: path.join(tmp, 'repos', 'app'), web: path.join(tmp, 'repos', 'web'), octo: path.join(tmp, 'data', 'git', 'octo', 'lib') };
  const configFile = path.join(tmp, 'codepipeline-local.yml');
  fs.writeFileSync(
    configFile,
    [
      'repositories:',
      '  app: repos/app',
      'connections:',
      `  acme/web: ${new URL(`file://${repos.web}`).href}`,
      'ecr:',
      '  images:',
      '    my-app:',
      `      v1: "${ECR_DIGEST}"`,
      '',
    ].join('\n'),
  );
  emu = await startEmulator({ configFile, dataDir: path.join(tmp, 'data') });
  cp = client(emu.endpoint);
  await createCustomTypes(cp);
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('CodeCommit source', () => {
  it('zips the tree at the branch head (CODE_ZIP) and reports the commit as the revision and output variables', async () => {
    initRepo(repos.app);
    commit(repos.app, { 'README.md': 'old\n' }, 'first');
    const sha = commit(repos.app, { 'README.md': 'hello\n', 'src/app.js': 'console.log(1);\n', 'buildspec.yml': 'version: 0.2\n' }, 'Add the app\n\nWith a body.', '2024-05-06T07:08:09Z');
    git(repos.app, 'checkout', '-q', '-b', 'other');
    commit(repos.app, { 'other.txt': 'x' }, 'elsewhere');
    git(repos.app, 'checkout', '-q', 'main');

    const id = await createPipeline('cc-zip', source('CodeCommit', { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' }));
    expect(await buildReadsSource('cc-zip')).toEqual({ 'README.md': 'hello\n', 'src/app.js': 'console.log(1);\n', 'buildspec.yml': 'version: 0.2\n' });
    await waitForStatus(cp, 'cc-zip', id, 'Succeeded');

    const src = await sourceExecution('cc-zip', id);
    expect(src.status).toBe('Succeeded');
    expect(src.output!.outputVariables).toEqual({
      CommitId: sha,
      CommitMessage: 'Add the app\n\nWith a body.',
      RepositoryName: 'app',
      BranchName: 'main',
      AuthorDate: '2024-05-06T07:08:09Z',
      CommitterDate: '2024-05-06T07:08:09Z',
    });
    expect(src.output!.executionResult).toMatchObject({ externalExecutionId: sha, externalExecutionSummary: 'Add the app\n\nWith a body.' });
    const exec = await execution('cc-zip', id);
    expect(exec.artifactRevisions).toEqual([
      {
        name: 'SourceOut',
        revisionId: sha,
        revisionChangeIdentifier: sha,
        revisionSummary: 'Add the app\n\nWith a body.',
        revisionUrl: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/app/commit/${sha}?region=us-east-1`,
        created: new Date('2024-05-06T07:08:09Z'),
      },
    ]);
  });

  it('honours a COMMIT_ID source revision override', async () => {
    const first = git(repos.app, 'rev-list', '--max-parents=0', 'main');
    const id = await start('cc-zip', [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: first }]);
    expect(await buildReadsSource('cc-zip')).toEqual({ 'README.md': 'old\n' });
    await waitForStatus(cp, 'cc-zip', id, 'Succeeded');
    expect((await execution('cc-zip', id)).artifactRevisions![0]).toMatchObject({ revisionId: first, revisionSummary: 'first' });
  });

  it('CODEBUILD_CLONE_REF gives a clone reference to the local repository', async () => {
    const head = git(repos.app, 'rev-parse', 'main');
    const id = await createPipeline('cc-ref', source('CodeCommit', { RepositoryName: 'app', BranchName: 'main', OutputArtifactFormat: 'CODEBUILD_CLONE_REF' }));
    const files = await buildReadsSource('cc-ref');
    expect(Object.keys(files)).toEqual(['codepipeline-local-clone-ref.json']);
    expect(JSON.parse(files['codepipeline-local-clone-ref.json'])).toEqual({
      version: 1,
      provider: 'CodeCommit',
      repository: 'app',
      repositoryPath: repos.app,
      cloneUrl: new URL(`file://${repos.app}`).href,
      branch: 'main',
      commitId: head,
    });
    await waitForStatus(cp, 'cc-ref', id, 'Succeeded');
  });

  it('fails the action for an unknown repository, branch or commit', async () => {
    const noRepo = await createPipeline('cc-norepo', source('CodeCommit', { RepositoryName: 'missing', BranchName: 'main' }));
    await waitForStatus(cp, 'cc-norepo', noRepo, 'Failed');
    expect((await sourceExecution('cc-norepo', noRepo)).output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      // Relative to the data folder: an answer does not say where that folder is on this machine.
      message:
        "The repository named 'missing' does not exist (no local git repository at the data folder's git/missing: create it there, or map the name to a repository in the local configuration)",
    });
    const noBranch = await createPipeline('cc-nobranch', source('CodeCommit', { RepositoryName: 'app', BranchName: 'nope' }));
    await waitForStatus(cp, 'cc-nobranch', noBranch, 'Failed');
    expect((await sourceExecution('cc-nobranch', noBranch)).output!.executionResult!.externalExecutionSummary).toBe("The branch named 'nope' does not exist in the repository 'app'");
    const noCommit = await start('cc-zip', [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: 'deadbeef' }]);
    await waitForStatus(cp, 'cc-zip', noCommit, 'Failed');
    expect((await sourceExecution('cc-zip', noCommit)).output!.executionResult!.externalExecutionSummary).toBe("The commit 'deadbeef' does not exist in the repository 'app'");
  });

  it('refuses repository names that would leave the local git folder', async () => {
    const id = await createPipeline('cc-escape', source('CodeCommit', { RepositoryName: '..', BranchName: 'main' }));
    await waitForStatus(cp, 'cc-escape', id, 'Failed');
    expect((await sourceExecution('cc-escape', id)).output!.executionResult!.externalExecutionSummary).toBe("The repository name '..' is not valid");
  });
});

describe('CodeStarSourceConnection source', () => {
  it('reads the repository mapped in the local configuration (file URL) and reports AWS output variables', async () => {
    initRepo(repos.web);
    const sha = commit(repos.web, { 'index.html': '<h1>hi</h1>\n' }, 'Initial page', '2024-01-02T03:04:05Z');
    const id = await createPipeline('csc', source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: 'acme/web', BranchName: 'main' }));
    expect(await buildReadsSource('csc')).toEqual({ 'index.html': '<h1>hi</h1>\n' });
    await waitForStatus(cp, 'csc', id, 'Succeeded');
    expect((await sourceExecution('csc', id)).output!.outputVariables).toEqual({
      AuthorDate: '2024-01-02T03:04:05Z',
      BranchName: 'main',
      CommitId: sha,
      CommitMessage: 'Initial page',
      ConnectionArn: CONNECTION,
      FullRepositoryName: 'acme/web',
    });
    const rev = (await execution('csc', id)).artifactRevisions![0];
    expect(rev).toMatchObject({ revisionId: sha, revisionSummary: JSON.stringify({ ProviderType: 'GitHub', CommitMessage: 'Initial page' }) });
    expect(rev.revisionUrl).toBe(
      `https://us-east-1.console.aws.amazon.com/codesuite/settings/connections/redirect?connectionArn=${encodeURIComponent(CONNECTION)}&referenceType=COMMIT&FullRepositoryId=acme%2Fweb&Commit=${sha}`,
    );
  });

  it('defaults to <dataDir>/git/<owner>/<repo> and rejects a malformed ConnectionArn', async () => {
    initRepo(repos.octo, 'trunk');
    commit(repos.octo, { 'lib.txt': 'v1' }, 'lib');
    const id = await createPipeline('csc-default', source('CodeStarSourceConnection', { ConnectionArn: CONNECTION, FullRepositoryId: 'octo/lib', BranchName: 'trunk' }));
    expect(await buildReadsSource('csc-default')).toEqual({ 'lib.txt': 'v1' });
    await waitForStatus(cp, 'csc-default', id, 'Succeeded');

    const bad = await createPipeline('csc-badarn', source('CodeStarSourceConnection', { ConnectionArn: 'not-an-arn', FullRepositoryId: 'octo/lib', BranchName: 'trunk' }));
    await waitForStatus(cp, 'csc-badarn', bad, 'Failed');
    expect((await sourceExecution('csc-badarn', bad)).output!.executionResult!.externalExecutionSummary).toBe("The ConnectionArn 'not-an-arn' is not a valid connection ARN");
  });
});

describe('S3 source', () => {
  it('copies the latest object version, or the one asked for; ETag and VersionId are output variables', async () => {
    const s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'src-bucket' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'src-bucket', VersioningConfiguration: { Status: 'Enabled' } })).catch(() => undefined);
    const put = (text: string) => s3.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'app/source.zip', Body: zipFiles([{ path: 'v.txt', data: Buffer.from(text) }]) }));
    const v1 = await put('one');
    const v2 = await put('two');
    s3.destroy();

    const id = await createPipeline('s3src', source('S3', { S3Bucket: 'src-bucket', S3ObjectKey: 'app/source.zip', PollForSourceChanges: 'false' }));
    expect(await buildReadsSource('s3src')).toEqual({ 'v.txt': 'two' });
    await waitForStatus(cp, 's3src', id, 'Succeeded');
    expect((await sourceExecution('s3src', id)).output!.outputVariables).toEqual({ ETag: v2.ETag!.replace(/"/g, ''), VersionId: v2.VersionId });
    expect((await execution('s3src', id)).artifactRevisions![0]).toMatchObject({ name: 'SourceOut', revisionId: v2.VersionId });

    const old = await start('s3src', [{ actionName: 'Source', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: v1.VersionId! }]);
    expect(await buildReadsSource('s3src')).toEqual({ 'v.txt': 'one' });
    await waitForStatus(cp, 's3src', old, 'Succeeded');
    expect((await execution('s3src', old)).artifactRevisions![0].revisionId).toBe(v1.VersionId);
    expect((await sourceExecution('s3src', old)).output!.outputVariables).toEqual({ ETag: v1.ETag!.replace(/"/g, ''), VersionId: v1.VersionId });
  });

  it('fails the action when the bucket or the object does not exist', async () => {
    const noKey = await createPipeline('s3missing', source('S3', { S3Bucket: 'src-bucket', S3ObjectKey: 'nothing.zip' }));
    await waitForStatus(cp, 's3missing', noKey, 'Failed');
    expect((await sourceExecution('s3missing', noKey)).output!.executionResult!.externalExecutionSummary).toBe(
      "The specified key does not exist: object 'nothing.zip' in Amazon S3 bucket 'src-bucket'",
    );
    const noBucket = await createPipeline('s3nobucket', source('S3', { S3Bucket: 'no-such-bucket', S3ObjectKey: 'a.zip' }));
    await waitForStatus(cp, 's3nobucket', noBucket, 'Failed');
    expect((await sourceExecution('s3nobucket', noBucket)).output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      message: "The specified bucket does not exist: Amazon S3 bucket 'no-such-bucket'",
    });
  });
});

describe('ECR source', () => {
  it('answers the configured digest and an imageDetail.json like AWS', async () => {
    const id = await createPipeline('ecr', source('ECR', { RepositoryName: 'my-app', ImageTag: 'v1' }));
    const files = await buildReadsSource('ecr');
    await waitForStatus(cp, 'ecr', id, 'Succeeded');
    const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/my-app@${ECR_DIGEST}`;
    expect(Object.keys(files)).toEqual(['imageDetail.json']);
    expect(JSON.parse(files['imageDetail.json'])).toEqual({
      ImageSizeInBytes: '0',
      ImageDigest: ECR_DIGEST,
      Version: '1.0',
      ImagePushedAt: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/),
      RegistryId: ACCOUNT,
      RepositoryName: 'my-app',
      ImageURI: uri,
      ImageTags: ['v1'],
    });
    expect((await sourceExecution('ecr', id)).output!.outputVariables).toEqual({
      ImageDigest: ECR_DIGEST,
      ImageTag: 'v1',
      ImageURI: uri,
      RegistryId: ACCOUNT,
      RepositoryName: 'my-app',
    });
    expect((await execution('ecr', id)).artifactRevisions![0].revisionId).toBe(ECR_DIGEST);
  });

  it('derives a stable digest for an unconfigured image (tag latest) and honours IMAGE_DIGEST', async () => {
    const id = await createPipeline('ecr-default', source('ECR', { RepositoryName: 'team/api' }));
    await buildReadsSource('ecr-default');
    await waitForStatus(cp, 'ecr-default', id, 'Succeeded');
    const derived = `sha256:${createHash('sha256').update('team/api:latest').digest('hex')}`;
    expect((await sourceExecution('ecr-default', id)).output!.outputVariables).toMatchObject({ ImageDigest: derived, ImageTag: 'latest' });

    const pinned = `sha256:${'c'.repeat(64)}`;
    const again = await start('ecr-default', [{ actionName: 'Source', revisionType: 'IMAGE_DIGEST', revisionValue: pinned }]);
    await buildReadsSource('ecr-default');
    await waitForStatus(cp, 'ecr-default', again, 'Succeeded');
    expect((await execution('ecr-default', again)).artifactRevisions![0].revisionId).toBe(pinned);
  });
});
