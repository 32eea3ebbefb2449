// The CDK CLI itself, pointed at the emulator (AWS_ENDPOINT_URL): `cdk bootstrap`, `cdk deploy` of
// fixtures/cdk-app (a CodeCommit source, a CodeBuild project with an inline buildspec, a manual
// approval, an S3 deploy), a commit that runs its pipeline to the approval, and `cdk destroy`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetBuildsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { GetPipelineCommand, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../src/git/git.js';
import type { RunningEmulator } from '../src/index.js';
import { newestExecutionId, until } from './engineKit.js';
import { ACCOUNT, client, expectAwsError, failure, startEmulator } from './harness.js';

const APP = path.resolve(import.meta.dirname, '../fixtures/cdk-app');
const CDK = path.resolve(import.meta.dirname, '../node_modules/aws-cdk/bin/cdk');
const REGION = 'us-east-1';

let root: string;
let emu: RunningEmulator;
const credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'test' };
const cf = () => new CloudFormationClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });

/** Runs the CDK CLI in the app's folder; resolves with its exit code and output. */
function cdk(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CDK, ...args, '--no-notices', '-o', path.join(root, 'cdk.out')], {
      cwd: APP,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        AWS_ENDPOINT_URL: emu.endpoint,
        AWS_ACCESS_KEY_ID: ACCOUNT,
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: REGION,
        // The CLI would ask the npm registry and a telemetry endpoint.
        CDK_DISABLE_VERSION_CHECK: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-cdk-'));
  emu = await startEmulator({ inMemory: false, dataDir: path.join(root, 'data') });
});
afterAll(async () => {
  await emu?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('the CDK CLI against the emulator', () => {
  it('cdk bootstrap creates the CDKToolkit stack: its bucket and its version parameter', async () => {
    const r = await cdk('bootstrap', `aws://${ACCOUNT}/${REGION}`);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`Environment aws://${ACCOUNT}/${REGION} bootstrapped.`)]);
    const [toolkit] = (await cf().send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))).Stacks!;
    expect(toolkit.StackStatus).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(toolkit.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    expect(out.BucketName).toBe(`cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`);
    const s3 = new S3Client({ endpoint: emu.endpoint, region: REGION, forcePathStyle: true, credentials, maxAttempts: 1 });
    expect((await s3.send(new HeadBucketCommand({ Bucket: out.BucketName! }))).$metadata.httpStatusCode).toBe(200);
    const ssm = new SSMClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const version = (await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }))).Parameter!.Value;
    expect(version).toBe(out.BootstrapVersion);
  }, 120_000);

  it('cdk deploy creates the pipeline and its build project; a commit runs it through the build to the approval', async () => {
    const r = await cdk('deploy', '--require-approval', 'never');
    expect([r.code, r.out]).toEqual([0, expect.stringContaining('SampleAppPipeline')]);
    const cp = client(emu.endpoint);
    const p = (await cp.send(new GetPipelineCommand({ name: 'sample-app-cdk' }))).pipeline!;
    expect(p.stages!.map((s) => s.name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    const first = await newestExecutionId(cp, 'sample-app-cdk').catch(() => undefined);
    const repo = path.join(root, 'data', 'git', 'sample-app');
    fs.writeFileSync(path.join(repo, 'index.txt'), 'hello from cdk\n');
    await git(repo, ['add', '-A']);
    await git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'first page']);
    const run = await until(
      () => newestExecutionId(cp, 'sample-app-cdk').catch(() => undefined),
      (id) => id !== undefined && id !== first,
      30_000,
    );
    const actions = await until(
      async () => (await cp.send(new ListActionExecutionsCommand({ pipelineName: 'sample-app-cdk', filter: { pipelineExecutionId: run } }))).actionExecutionDetails!,
      (list) => list.some((d) => d.actionName === 'Approve'),
      60_000,
    );
    expect(actions.map((d) => [d.actionName, d.status]).sort()).toEqual([['Approve', 'InProgress'], ['Build', 'Succeeded'], ['Source', 'Succeeded']]);
    const buildId = actions.find((d) => d.actionName === 'Build')!.output!.executionResult!.externalExecutionId!;
    const cb = new CodeBuildClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const [build] = (await cb.send(new BatchGetBuildsCommand({ ids: [buildId] }))).builds!;
    expect([build.buildStatus, build.initiator]).toEqual(['SUCCEEDED', 'codepipeline/sample-app-cdk']);
  }, 180_000);

  it('cdk destroy deletes the stack and its pipeline', async () => {
    const r = await cdk('destroy', '--force');
    expect(r.code).toBe(0);
    await expectAwsError(client(emu.endpoint).send(new GetPipelineCommand({ name: 'sample-app-cdk' })), 'PipelineNotFoundException');
    expect((await failure(cf().send(new DescribeStacksCommand({ StackName: 'SampleAppPipeline' })))).message).toBe('Stack with id SampleAppPipeline does not exist');
  }, 120_000);
});
