// A pipeline as real templates define it, deployed with `aws cloudformation deploy`: an artifact bucket,
// a CodeCommit repository, a CodeBuild project with an inline buildspec and the pipeline. A commit runs
// that buildspec; an update changes the pipeline and restarts it (RestartExecutionOnUpdate); deleting the
// stack removes what it made (the bucket is retained, as its DeletionPolicy says).
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { GetPipelineCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../src/git/git.js';
import type { RunningEmulator } from '../src/index.js';
import { until } from './engineKit.js';
import { ACCOUNT, client, expectAwsError, startEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;

const TEMPLATE = `Parameters:
  Greeting: { Type: String, Default: hello }
Resources:
  Artifacts:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties: { BucketName: iac-artifacts }
  Repo:
    Type: AWS::CodeCommit::Repository
    Properties: { RepositoryName: iac-app }
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Name: iac-build
      ServiceRole: !Sub arn:aws:iam::\${AWS::AccountId}:role/build
      Source:
        Type: CODEPIPELINE
        BuildSpec: |
          version: 0.2
          phases:
            build:
              commands:
                - echo "$GREETING from $(cat app.txt)"
      Artifacts: { Type: CODEPIPELINE }
      Environment: { Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0, ComputeType: BUILD_GENERAL1_SMALL }
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: iac-pipeline
      RoleArn: !Sub arn:aws:iam::\${AWS::AccountId}:role/pipeline
      RestartExecutionOnUpdate: true
      ArtifactStore: { Type: S3, Location: !Ref Artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1' }
              Configuration: { RepositoryName: !GetAtt Repo.Name, BranchName: main }
              OutputArtifacts: [{ Name: Src }]
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }
              Configuration:
                ProjectName: !Ref Build
                EnvironmentVariables: !Sub '[{"name":"GREETING","value":"\${Greeting}","type":"PLAINTEXT"}]'
              InputArtifacts: [{ Name: Src }]
`;

let emu: RunningEmulator;
let root: string;

const aws = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile('aws', ['--endpoint-url', emu.endpoint, '--output', 'json', ...args], { env: clientEnv(), timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );

/** The newest execution other than `seen`, once it has ended; and its build's log. */
async function nextRun(seen: Set<string>) {
  const cp = client(emu.endpoint);
  const run = await until(
    async () => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'iac-pipeline' }))).pipelineExecutionSummaries!.find((e) => !seen.has(e.pipelineExecutionId!)),
    (e) => e !== undefined && e.status !== 'InProgress',
    60_000,
  );
  seen.add(run!.pipelineExecutionId!);
  const actions = (await cp.send(new ListActionExecutionsCommand({ pipelineName: 'iac-pipeline', filter: { pipelineExecutionId: run!.pipelineExecutionId } }))).actionExecutionDetails!;
  const build = actions.find((a) => a.actionName === 'Build');
  const log = build ? await (await fetch(build.output!.executionResult!.externalExecutionUrl!)).text() : '';
  return { status: run!.status, trigger: run!.trigger?.triggerType, log };
}

describe.skipIf(!hasAws)(hasAws ? 'a pipeline stack deployed with aws cloudformation deploy' : 'a pipeline stack deployed with aws cloudformation deploy (skipped: `aws` is not on PATH)', () => {
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-iac-'));
    emu = await startEmulator({ inMemory: false, dataDir: path.join(root, 'data') });
    fs.writeFileSync(path.join(root, 'pipeline.yml'), TEMPLATE);
  });
  afterAll(async () => {
    await emu?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const seen = new Set<string>();
  const deploy = (...overrides: string[]) =>
    aws('cloudformation', 'deploy', '--template-file', path.join(root, 'pipeline.yml'), '--stack-name', 'iac', '--capabilities', 'CAPABILITY_IAM', ...(overrides.length ? ['--parameter-overrides', ...overrides] : []));

  it('deploy creates the repository, the project and the pipeline; a commit runs the project’s buildspec', async () => {
    const r = await deploy();
    expect([r.code, r.stderr]).toEqual([0, '']);
    // CreatePipeline starts an execution at once: the repository has no commit yet, so it fails at the source.
    expect((await nextRun(seen)).status).toBe('Failed');
    const repo = path.join(root, 'data', 'git', 'iac-app');
    fs.writeFileSync(path.join(repo, 'app.txt'), 'v1');
    await git(repo, ['add', '-A']);
    await git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'v1']);
    const run = await nextRun(seen);
    expect([run.status, run.log]).toEqual(['Succeeded', expect.stringContaining('hello from v1')]);
  }, 120_000);

  it('an update that changes the pipeline restarts it (RestartExecutionOnUpdate) with the new configuration', async () => {
    const r = await deploy('Greeting=howdy');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const p = (await client(emu.endpoint).send(new GetPipelineCommand({ name: 'iac-pipeline' }))).pipeline!;
    expect(p.version).toBe(2);
    const run = await nextRun(seen);
    expect([run.status, run.log]).toEqual(['Succeeded', expect.stringContaining('howdy from v1')]);
  }, 120_000);

  it('delete-stack removes the pipeline, the project and the repository; the retained bucket stays', async () => {
    expect((await aws('cloudformation', 'delete-stack', '--stack-name', 'iac')).code).toBe(0);
    expect((await aws('cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'iac')).code).toBe(0);
    await expectAwsError(client(emu.endpoint).send(new GetPipelineCommand({ name: 'iac-pipeline' })), 'PipelineNotFoundException');
    const cb = new CodeBuildClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    expect((await cb.send(new BatchGetProjectsCommand({ names: ['iac-build'] }))).projectsNotFound).toEqual(['iac-build']);
    expect(fs.existsSync(path.join(root, 'data', 'git', 'iac-app'))).toBe(false);
    expect(emu.objects.getBucket('iac-artifacts')).toBeDefined();
  }, 120_000);
});
