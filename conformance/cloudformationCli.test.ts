// The CloudFormation API with the AWS CLI v1 as the client: `deploy` (change set, wait, execute, wait),
// describe-stacks, create-stack + wait, update with no changes, delete-stack + wait, and errors.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { BUCKET_TEMPLATE, ROLE_TEMPLATE } from './cfnKit.js';
import { clientEnv } from './scripts/expected.js';
import { CREDENTIALS, KEY } from './sigv4Kit.js';

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let emu: RunningEmulator;
let tmp: string;

/** Runs `aws cloudformation ...` asynchronously (the emulator shares this event loop). */
const cfn = (...args: string[]): Promise<Run> =>
  new Promise((resolve) =>
    execFile('aws', ['--endpoint-url', emu.endpoint, '--output', 'json', 'cloudformation', ...args], { env: clientEnv(), timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
/**
 * `aws cloudformation deploy` names its change set after the current second
 * (awscli-cloudformation-package-deploy-<epoch seconds>): two deploys of one stack within the same
 * second ask for the same name, and the first one's (kept when it had no changes) is still there. The
 * emulator answers AlreadyExistsException then, as CloudFormation would; a test waits for the next second.
 */
const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
const json = (r: Run) => {
  expect([r.code, r.stderr]).toEqual([0, '']);
  return JSON.parse(r.stdout);
};

describe.skipIf(!hasAws)(hasAws ? 'CloudFormation with the AWS CLI v1' : 'CloudFormation with the AWS CLI v1 (skipped: `aws` is not on PATH)', () => {
  beforeAll(async () => {
    emu = await startEmulator();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-cfn-cli-'));
    fs.writeFileSync(path.join(tmp, 'bucket.yml'), BUCKET_TEMPLATE);
    fs.writeFileSync(path.join(tmp, 'role.yml'), ROLE_TEMPLATE);
  });
  afterAll(async () => {
    await emu?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('`deploy` creates the stack through a change set and waits for it; describe-stacks shows its outputs', async () => {
    const run = await cfn('deploy', '--template-file', path.join(tmp, 'bucket.yml'), '--stack-name', 'web', '--parameter-overrides', 'Env=prod', '--tags', 'team=web');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('Waiting for changeset to be created..');
    expect(run.stdout).toContain('Successfully created/updated stack - web');
    const [s] = json(await cfn('describe-stacks', '--stack-name', 'web')).Stacks;
    expect(s).toMatchObject({
      StackName: 'web',
      StackStatus: 'CREATE_COMPLETE',
      Parameters: [
        { ParameterKey: 'Env', ParameterValue: 'prod' },
        { ParameterKey: 'Token', ParameterValue: '****' },
      ],
      Outputs: [
        { OutputKey: 'BucketName', OutputValue: 'site-prod', Description: "the bucket's name", ExportName: 'web-bucket' },
        { OutputKey: 'Where', OutputValue: `prod-us-east-1-${ACCOUNT}` },
      ],
      Tags: [{ Key: 'team', Value: 'web' }],
    });
  });

  it('`deploy` again with nothing changed says so; with a change it updates the stack', async () => {
    await nextSecond();
    const same = await cfn('deploy', '--template-file', path.join(tmp, 'bucket.yml'), '--stack-name', 'web', '--parameter-overrides', 'Env=prod', '--no-fail-on-empty-changeset');
    expect([same.code, same.stdout.trim().split('\n').at(-1)]).toEqual([0, 'No changes to deploy. Stack web is up to date']);
    await nextSecond();
    const changed = await cfn('deploy', '--template-file', path.join(tmp, 'bucket.yml'), '--stack-name', 'web', '--parameter-overrides', 'Env=dev');
    expect([changed.code, changed.stdout]).toEqual([0, expect.stringContaining('Successfully created/updated stack - web')]);
    const [s] = json(await cfn('describe-stacks', '--stack-name', 'web')).Stacks;
    expect([s.StackStatus, s.Outputs[0].OutputValue]).toEqual(['UPDATE_COMPLETE', 'site-dev']);
  });

  it('create-stack + wait stack-create-complete; delete-stack + wait stack-delete-complete', async () => {
    const created = json(await cfn('create-stack', '--stack-name', 'queue', '--template-body', `file://${path.join(tmp, 'role.yml')}`, '--capabilities', 'CAPABILITY_IAM'));
    expect(created.StackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/queue/`));
    expect(await cfn('wait', 'stack-create-complete', '--stack-name', 'queue')).toEqual({ code: 0, stdout: '', stderr: '' });
    const events = json(await cfn('describe-stack-events', '--stack-name', 'queue')).StackEvents;
    expect(events[0]).toMatchObject({ LogicalResourceId: 'queue', ResourceStatus: 'CREATE_COMPLETE', ResourceType: 'AWS::CloudFormation::Stack' });
    const resources = json(await cfn('list-stack-resources', '--stack-name', 'queue')).StackResourceSummaries;
    expect(resources.map((r: { LogicalResourceId: string }) => r.LogicalResourceId)).toEqual(['Role', 'Queue']);
    expect(await cfn('delete-stack', '--stack-name', 'queue')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cfn('wait', 'stack-delete-complete', '--stack-name', 'queue')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('`deploy --s3-bucket` uploads the template into the emulator’s S3 store and creates the stack from its URL (AWS_ENDPOINT_URL)', async () => {
    // The CLI's deploy builds its S3 client without --endpoint-url: AWS_ENDPOINT_URL points both clients at the emulator.
    const viaEnv = (...args: string[]): Promise<Run> =>
      new Promise((resolve) =>
        execFile('aws', ['--output', 'json', ...args], { env: clientEnv({ AWS_ENDPOINT_URL: emu.endpoint }), timeout: 120_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        ),
      );
    expect((await viaEnv('s3', 'mb', 's3://deploy-artifacts')).code).toBe(0);
    // Its bucket is named apart from the stack web's (buckets are real: a second site-dev would fail, as on AWS).
    const template = BUCKET_TEMPLATE.replace("'site-", "'uploaded-");
    fs.writeFileSync(path.join(tmp, 'uploaded.yml'), template);
    const run = await viaEnv('cloudformation', 'deploy', '--template-file', path.join(tmp, 'uploaded.yml'), '--stack-name', 'uploaded', '--s3-bucket', 'deploy-artifacts', '--s3-prefix', 'tpl');
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('Successfully created/updated stack - uploaded')]);
    const listed = await viaEnv('s3api', 'list-objects-v2', '--bucket', 'deploy-artifacts', '--prefix', 'tpl/');
    expect(JSON.parse(listed.stdout).Contents.map((o: { Key: string }) => o.Key)).toEqual([expect.stringMatching(/^tpl\/[0-9a-f]{32}\.template$/)]);
    expect(json(await cfn('get-template', '--stack-name', 'uploaded')).TemplateBody).toBe(template);
  });

  it('errors: a missing stack, missing capabilities, a stack that already exists', async () => {
    const missing = await cfn('describe-stacks', '--stack-name', 'ghost');
    expect([missing.code, missing.stderr.trim()]).toEqual([255, 'An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id ghost does not exist']);
    const caps = await cfn('create-stack', '--stack-name', 'iam', '--template-body', `file://${path.join(tmp, 'role.yml')}`);
    expect([caps.code, caps.stderr.trim()]).toEqual([255, 'An error occurred (InsufficientCapabilitiesException) when calling the CreateStack operation: Requires capabilities : [CAPABILITY_IAM]']);
    const deployCaps = await cfn('deploy', '--template-file', path.join(tmp, 'role.yml'), '--stack-name', 'iam');
    expect(deployCaps.code).toBe(255);
    expect(deployCaps.stderr.trim()).toBe('An error occurred (InsufficientCapabilitiesException) when calling the CreateChangeSet operation: Requires capabilities : [CAPABILITY_IAM]');
    const dup = await cfn('create-stack', '--stack-name', 'web', '--template-body', `file://${path.join(tmp, 'bucket.yml')}`);
    expect([dup.code, dup.stderr.trim()]).toEqual([255, 'An error occurred (AlreadyExistsException) when calling the CreateStack operation: Stack [web] already exists']);
  });

  it('with signatures verified: the CLI’s signed query requests act in the key’s account; a wrong secret is SignatureDoesNotMatch', async () => {
    const verified = await startEmulator({ credentials: CREDENTIALS });
    try {
      const as = (secret: string, ...args: string[]) =>
        new Promise<Run>((resolve) =>
          execFile(
            'aws',
            ['--endpoint-url', verified.endpoint, '--output', 'json', ...args],
            { env: clientEnv({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: secret }), timeout: 60_000 },
            (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
          ),
        );
      const who = await as(KEY.secretAccessKey, 'sts', 'get-caller-identity');
      expect([who.code, JSON.parse(who.stdout).Account]).toEqual([0, KEY.accountId]);
      const created = await as(KEY.secretAccessKey, 'cloudformation', 'create-stack', '--stack-name', 'signed', '--template-body', `file://${path.join(tmp, 'bucket.yml')}`);
      expect([created.code, JSON.parse(created.stdout).StackId]).toEqual([0, expect.stringMatching(new RegExp(`^arn:aws:cloudformation:us-east-1:${KEY.accountId}:stack/signed/`))]);
      const wrong = await as('not-the-secret', 'cloudformation', 'describe-stacks');
      expect([wrong.code, wrong.stderr.trim().split('\n')[0]]).toEqual([
        255,
        'An error occurred (SignatureDoesNotMatch) when calling the DescribeStacks operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      ]);
    } finally {
      await verified.stop();
    }
  });
});
