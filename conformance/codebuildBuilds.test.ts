// CodeBuild builds through the real endpoint: StartBuild runs the project locally (NO_SOURCE, an S3
// zip, overrides, PARAMETER_STORE and SECRETS_MANAGER variables), BatchGetBuilds shows phases,
// status, variables (references, never values), exported variables and the log link; StopBuild;
// ListBuilds(ForProject); builds of pipelines' CodeBuild actions are builds of this API; the AWS CLI.
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  ListBuildsCommand,
  ListBuildsForProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
  type Build,
  type CreateProjectInput,
} from '@aws-sdk/client-codebuild';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { zipFiles, readZip } from '../src/util/zip.js';
import { ACCOUNT, expectAwsError, useEmulator } from './harness.js';
import { createCustomTypes, pipelineOf, until, waitForStatus } from './engineKit.js';
import { actionExecution, codeBuildAction, fetchLog, startWithSource } from './localBuildKit.js';
import { clientEnv } from './scripts/expected.js';

const t = useEmulator({ setup: (cp) => createCustomTypes(cp) });
const creds = { accessKeyId: ACCOUNT, secretAccessKey: 'x' };
const cb = () => new CodeBuildClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
const s3 = () => new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, forcePathStyle: true, maxAttempts: 1 });

const ENV = { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' } as const;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cb`;

const project = (name: string, extra: Partial<CreateProjectInput>): CreateProjectInput => ({
  name,
  source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n' },
  artifacts: { type: 'NO_ARTIFACTS' },
  environment: ENV,
  serviceRole: ROLE,
  ...extra,
});

async function finished(id: string, ms = 20_000): Promise<Build> {
  const out = await until(() => cb().send(new BatchGetBuildsCommand({ ids: [id] })), (o) => o.builds?.[0]?.buildComplete === true, ms);
  return out.builds![0];
}

const phaseSummary = (b: Build) => b.phases!.map((p) => [p.phaseType, p.phaseStatus ?? '-']);

const VARS_BUILDSPEC = `version: 0.2
env:
  exported-variables:
    - RESULT
phases:
  install:
    commands:
      - echo "installing"
  build:
    commands:
      - echo "plain=$PLAIN param=$PARAM secret=$SECRET over=$OVER number=$CODEBUILD_BUILD_NUMBER initiator=$CODEBUILD_INITIATOR"
      - export RESULT="$PLAIN-$OVER"
`;

describe('StartBuild and BatchGetBuilds', () => {
  it('runs a NO_SOURCE project with its variables and overrides; the build shows phases, references and exports', async () => {
    await new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 }).send(
      new PutParameterCommand({ Name: '/build/param', Value: 'param-secret-value', Type: 'SecureString' }),
    );
    t.emu.store.secrets.create({ account: ACCOUNT, region: 'us-east-1' }, 'build/creds', JSON.stringify({ password: 'pw-secret-value' }), Date.now());
    await cb().send(
      new CreateProjectCommand(
        project('vars-project', {
          source: { type: 'NO_SOURCE', buildspec: VARS_BUILDSPEC },
          environment: {
            ...ENV,
            environmentVariables: [
              { name: 'PLAIN', value: 'plain-value' },
              { name: 'PARAM', value: '/build/param', type: 'PARAMETER_STORE' },
              { name: 'SECRET', value: 'build/creds:password', type: 'SECRETS_MANAGER' },
              { name: 'OVER', value: 'from-project' },
            ],
          },
        }),
      ),
    );
    const { build: started } = await cb().send(new StartBuildCommand({ projectName: 'vars-project', environmentVariablesOverride: [{ name: 'OVER', value: 'from-start', type: 'PLAINTEXT' }] }));
    expect([started?.buildStatus, started?.buildComplete, started?.buildNumber, started?.initiator]).toEqual(['IN_PROGRESS', false, 1, 'root']);
    expect(started?.id).toMatch(/^vars-project:[0-9a-f-]{36}$/);
    const build = await finished(started!.id!);
    const uuid = started!.id!.split(':')[1];
    expect(build).toMatchObject({
      id: started!.id,
      arn: `arn:aws:codebuild:us-east-1:${ACCOUNT}:build/${started!.id}`,
      buildNumber: 1,
      projectName: 'vars-project',
      buildStatus: 'SUCCEEDED',
      currentPhase: 'COMPLETED',
      buildComplete: true,
      initiator: 'root',
      timeoutInMinutes: 60,
      exportedEnvironmentVariables: [{ name: 'RESULT', value: 'plain-value-from-start' }],
      logs: { groupName: '/aws/codebuild/vars-project', streamName: uuid, deepLink: `${t.emu.endpoint}/_logs/${uuid}` },
    });
    expect(build.environment?.environmentVariables).toEqual([
      { name: 'PLAIN', value: 'plain-value', type: 'PLAINTEXT' },
      { name: 'PARAM', value: '/build/param', type: 'PARAMETER_STORE' },
      { name: 'SECRET', value: 'build/creds:password', type: 'SECRETS_MANAGER' },
      { name: 'OVER', value: 'from-start', type: 'PLAINTEXT' },
    ]);
    expect(phaseSummary(build)).toEqual([
      ['SUBMITTED', 'SUCCEEDED'],
      ['QUEUED', 'SUCCEEDED'],
      ['PROVISIONING', 'SUCCEEDED'],
      ['DOWNLOAD_SOURCE', 'SUCCEEDED'],
      ['INSTALL', 'SUCCEEDED'],
      ['BUILD', 'SUCCEEDED'],
      ['UPLOAD_ARTIFACTS', 'SUCCEEDED'],
      ['FINALIZING', 'SUCCEEDED'],
      ['COMPLETED', '-'],
    ]);
    for (const p of build.phases!.slice(0, -1)) expect([p.startTime instanceof Date, p.endTime instanceof Date, typeof p.durationInSeconds]).toEqual([true, true, 'number']);
    expect(build.endTime!.getTime()).toBeGreaterThanOrEqual(build.startTime!.getTime());
    const log = await fetch(build.logs!.deepLink!).then((r) => r.text());
    expect(log).toContain('plain=plain-value param=*** secret=*** over=from-start number=1 initiator=root');
    expect(log).not.toContain('param-secret-value');
    expect(log).not.toContain('pw-secret-value');
    const again = await cb().send(new StartBuildCommand({ projectName: 'vars-project' }));
    expect(again.build?.buildNumber).toBe(2);
    await finished(again.build!.id!);
  });

  it('builds from an S3 zip with the buildspec in the source, and writes S3 artifacts', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'cb-sources' }));
    const zip = zipFiles([
      { path: 'buildspec.yml', data: Buffer.from('version: 0.2\nphases:\n  build:\n    commands:\n      - cat input.txt > output.txt\nartifacts:\n  files:\n    - output.txt\n') },
      { path: 'input.txt', data: Buffer.from('from the zip') },
    ]);
    await s3().send(new PutObjectCommand({ Bucket: 'cb-sources', Key: 'app/source.zip', Body: zip }));
    await cb().send(
      new CreateProjectCommand(
        project('s3-project', { source: { type: 'S3', location: 'cb-sources/app/source.zip' }, artifacts: { type: 'S3', location: 'cb-sources', path: 'out', name: 'result.zip', packaging: 'ZIP' } }),
      ),
    );
    const { build } = await cb().send(new StartBuildCommand({ projectName: 's3-project' }));
    const done = await finished(build!.id!);
    expect([done.buildStatus, done.artifacts?.location]).toEqual(['SUCCEEDED', 'arn:aws:s3:::cb-sources/out/result.zip']);
    const obj = await s3().send(new GetObjectCommand({ Bucket: 'cb-sources', Key: 'out/result.zip' }));
    const files = readZip(await obj.Body!.transformToByteArray());
    expect(Object.fromEntries([...files].map(([p, d]) => [p, Buffer.from(d).toString()]))).toEqual({ 'output.txt': 'from the zip' });
  });

  it('a failing command fails the build in its phase, with CodeBuild’s context', async () => {
    await cb().send(new CreateProjectCommand(project('failing-project', { source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - exit 4\n' } })));
    const { build } = await cb().send(new StartBuildCommand({ projectName: 'failing-project', buildspecOverride: 'version: 0.2\nphases:\n  build:\n    commands:\n      - "false"\n' }));
    const done = await finished(build!.id!);
    expect(done.buildStatus).toBe('FAILED');
    const failed = done.phases!.find((p) => p.phaseType === 'BUILD');
    expect([failed?.phaseStatus, failed?.contexts]).toEqual(['FAILED', [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: false. Reason: exit status 1' }]]);
    expect(done.source?.buildspec).toBe('version: 0.2\nphases:\n  build:\n    commands:\n      - "false"\n');
  });

  it('StopBuild stops a running build: STOPPED', async () => {
    await cb().send(new CreateProjectCommand(project('sleepy-project', { source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo started\n      - sleep 60\n' } })));
    const { build } = await cb().send(new StartBuildCommand({ projectName: 'sleepy-project' }));
    const uuid = build!.id!.split(':')[1];
    await until(() => fetch(`${t.emu.endpoint}/_logs/${uuid}`).then((r) => r.text()), (text) => text.includes('started'), 10_000);
    const stopped = await cb().send(new StopBuildCommand({ id: build!.id! }));
    expect([stopped.build?.buildStatus, stopped.build?.buildComplete, stopped.build?.phases?.find((p) => p.phaseType === 'BUILD')?.phaseStatus]).toEqual(['STOPPED', true, 'STOPPED']);
    await expectAwsError(cb().send(new StopBuildCommand({ id: 'sleepy-project:00000000-0000-0000-0000-000000000000' })), 'ResourceNotFoundException');
  });

  it('ListBuilds and ListBuildsForProject list newest first; errors for unknown projects', async () => {
    const forProject = await cb().send(new ListBuildsForProjectCommand({ projectName: 'vars-project' }));
    expect(forProject.ids).toHaveLength(2);
    const [newest, oldest] = forProject.ids!;
    const numbers = (await cb().send(new BatchGetBuildsCommand({ ids: [newest, oldest] }))).builds!.map((b) => b.buildNumber);
    expect(numbers).toEqual([2, 1]);
    expect((await cb().send(new ListBuildsForProjectCommand({ projectName: 'vars-project', sortOrder: 'ASCENDING' }))).ids).toEqual([oldest, newest]);
    const all = (await cb().send(new ListBuildsCommand({}))).ids!;
    expect(all.length).toBe(5);
    expect(all.slice(-2)).toEqual([newest, oldest]);
    await expectAwsError(cb().send(new ListBuildsForProjectCommand({ projectName: 'no-such-project' })), 'ResourceNotFoundException');
    await expectAwsError(cb().send(new StartBuildCommand({ projectName: 'no-such-project' })), 'ResourceNotFoundException', `Project cannot be found: arn:aws:codebuild:us-east-1:${ACCOUNT}:project/no-such-project`);
    const missing = await cb().send(new BatchGetBuildsCommand({ ids: ['vars-project:nope'] }));
    expect([missing.builds, missing.buildsNotFound]).toEqual([[], ['vars-project:nope']]);
  });
});

describe('pipeline builds are builds of the API', () => {
  it('the action’s externalExecutionId is the build id; BatchGetBuilds shows the build with its initiator and log link', async () => {
    await cb().send(
      new CreateProjectCommand({
        name: 'pipeline-project',
        source: { type: 'CODEPIPELINE', buildspec: 'version: 0.2\nenv:\n  exported-variables: [OUT]\nphases:\n  build:\n    commands:\n      - export OUT=done\n' },
        artifacts: { type: 'CODEPIPELINE' },
        environment: { ...ENV, environmentVariables: [{ name: 'P', value: '/build/param', type: 'PARAMETER_STORE' }] },
        serviceRole: ROLE,
      }),
    );
    const decl = pipelineOf('api-build-pipeline', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'pipeline-project' })] }]);
    const id = await startWithSource(t.emu, t.cp, decl, { 'a.txt': 'a' });
    await waitForStatus(t.cp, 'api-build-pipeline', id, 'Succeeded');
    const detail = await actionExecution(t.cp, 'api-build-pipeline', id, 'Build');
    const buildId = detail.output!.executionResult!.externalExecutionId!;
    expect(buildId).toMatch(/^pipeline-project:[0-9a-f-]{36}$/);
    const { builds } = await cb().send(new BatchGetBuildsCommand({ ids: [buildId] }));
    expect(builds![0]).toMatchObject({
      id: buildId,
      buildNumber: 1,
      projectName: 'pipeline-project',
      buildStatus: 'SUCCEEDED',
      initiator: 'codepipeline/api-build-pipeline',
      exportedEnvironmentVariables: [{ name: 'OUT', value: 'done' }],
      logs: { deepLink: detail.output!.executionResult!.externalExecutionUrl },
      resolvedSourceVersion: 'rev-0001',
    });
    expect(builds![0].environment?.environmentVariables).toEqual([{ name: 'P', value: '/build/param', type: 'PARAMETER_STORE' }]);
    expect(phaseSummary(builds![0]).map(([p]) => p)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);
    expect((await cb().send(new ListBuildsForProjectCommand({ projectName: 'pipeline-project' }))).ids).toEqual([buildId]);
    expect((await fetchLog(t.emu, detail.actionExecutionId!)).status).toBe(200);
  });
});

describe('StopBuild of a pipeline build', () => {
  it('stops the build (STOPPED) and fails the action, as CodePipeline reports a stopped build', async () => {
    await cb().send(
      new CreateProjectCommand({
        name: 'pipeline-sleeper',
        source: { type: 'CODEPIPELINE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo started\n      - sleep 60\n' },
        artifacts: { type: 'CODEPIPELINE' },
        environment: ENV,
        serviceRole: ROLE,
      }),
    );
    const decl = pipelineOf('stopped-build-pipeline', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'pipeline-sleeper' })] }]);
    const id = await startWithSource(t.emu, t.cp, decl, { 'a.txt': 'a' });
    const listed = await until(() => cb().send(new ListBuildsForProjectCommand({ projectName: 'pipeline-sleeper' })), (o) => o.ids?.length === 1, 10_000);
    const buildId = listed.ids![0];
    const running = await actionExecution(t.cp, 'stopped-build-pipeline', id, 'Build');
    await until(() => fetchLog(t.emu, running.actionExecutionId!), (l) => l.text.includes('started'), 10_000);
    const stopped = await cb().send(new StopBuildCommand({ id: buildId }));
    expect([stopped.build?.buildStatus, stopped.build?.initiator]).toEqual(['STOPPED', 'codepipeline/stopped-build-pipeline']);
    await waitForStatus(t.cp, 'stopped-build-pipeline', id, 'Failed');
    const detail = await actionExecution(t.cp, 'stopped-build-pipeline', id, 'Build');
    expect([detail.status, detail.output?.executionResult?.externalExecutionSummary]).toEqual(['Failed', 'Build terminated with state: STOPPED']);
  });
});

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;
const aws = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile('aws', ['--endpoint-url', t.emu.endpoint, '--output', 'json', ...args], { env: clientEnv(), timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );

describe.skipIf(!hasAws)(hasAws ? 'the AWS CLI' : 'the AWS CLI (skipped: `aws` is not on PATH)', () => {
  it('aws codebuild create-project, start-build, batch-get-builds', async () => {
    const created = await aws([
      'codebuild',
      'create-project',
      '--name',
      'cli-project',
      '--source',
      JSON.stringify({ type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo from-cli\n' }),
      '--artifacts',
      'type=NO_ARTIFACTS',
      '--environment',
      'type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL',
      '--service-role',
      ROLE,
    ]);
    expect([created.code, created.stderr]).toEqual([0, '']);
    expect(JSON.parse(created.stdout).project.arn).toBe(`arn:aws:codebuild:us-east-1:${ACCOUNT}:project/cli-project`);
    const started = await aws(['codebuild', 'start-build', '--project-name', 'cli-project']);
    expect(started.code).toBe(0);
    const id = JSON.parse(started.stdout).build.id as string;
    await finished(id);
    const got = await aws(['codebuild', 'batch-get-builds', '--ids', id]);
    expect(got.code).toBe(0);
    const b = JSON.parse(got.stdout).builds[0];
    expect([b.id, b.buildStatus, b.projectName, b.buildNumber, typeof b.startTime]).toEqual([id, 'SUCCEEDED', 'cli-project', 1, 'number']);
    const missing = await aws(['codebuild', 'start-build', '--project-name', 'nope-project']);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      255,
      `An error occurred (ResourceNotFoundException) when calling the StartBuild operation: Project cannot be found: arn:aws:codebuild:us-east-1:${ACCOUNT}:project/nope-project`,
    ]);
  });
});
