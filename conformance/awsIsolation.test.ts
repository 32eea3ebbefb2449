// Code the emulator runs never reaches a real AWS account by accident: with the developer's real AWS
// settings exported (keys, session token, profile, config files, endpoints, a role), a CodeBuild
// buildspec, a Commands action, a command Lambda handler and a JS Lambda handler all see the
// emulator's endpoint, the pipeline's account and region and throwaway keys; `aws s3 cp` (AWS CLI v1)
// and the JS SDK write into the emulator's S3 store. Other variables pass through.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionDeclaration } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { createCustomTypes, executionStatus, pipelineOf, until } from './engineKit.js';
import { actionExecution, codeBuildAction, fetchLog, startWithSource } from './localBuildKit.js';
import { clientEnv } from './scripts/expected.js';

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;
const BUCKET = 'isolation-bucket';
const require = createRequire(import.meta.url);

let tmp: string;
let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let s3: S3Client;
const saved = new Map<string, string | undefined>();

/** What a developer with a real AWS setup has exported: none of it may reach the code the emulator runs. */
function realAwsSettings(dir: string): Record<string, string> {
  fs.writeFileSync(path.join(dir, 'real-config'), '[profile real-profile]\nregion = eu-west-3\nendpoint_url = https://REALVALUE.invalid\n');
  fs.writeFileSync(path.join(dir, 'real-credentials'), '[real-profile]\naws_access_key_id = AKIAREALVALUE0000000\naws_secret_access_key = REALVALUE-profile-secret\n');
  return {
    AWS_ACCESS_KEY_ID: 'AKIAREALVALUE1111111',
    AWS_SECRET_ACCESS_KEY: 'REALVALUE-secret',
    AWS_SESSION_TOKEN: 'REALVALUE-token',
    AWS_PROFILE: 'real-profile',
    AWS_DEFAULT_PROFILE: 'real-profile',
    AWS_CONFIG_FILE: path.join(dir, 'real-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'real-credentials'),
    AWS_ENDPOINT_URL: 'https://REALVALUE.invalid',
    AWS_ENDPOINT_URL_S3: 'https://s3.REALVALUE.invalid',
    AWS_REGION: 'eu-west-3',
    AWS_DEFAULT_REGION: 'eu-west-3',
    AWS_CA_BUNDLE: path.join(dir, 'REALVALUE-ca.pem'),
    AWS_ROLE_ARN: 'arn:aws:iam::999999999999:role/REALVALUE',
    AWS_WEB_IDENTITY_TOKEN_FILE: path.join(dir, 'REALVALUE-token'),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://REALVALUE.invalid/creds',
    // Not an AWS setting that routes or authenticates: passes through.
    AWS_MAX_ATTEMPTS: '2',
  };
}

/** The AWS_* lines of `env | grep ^AWS_ | sort` in a log. */
/** The AWS_* lines a build printed, but the SDK warning switch the test runner sets (vitest.config.ts), which passes through as any other variable. */
const awsLines = (log: string) => log.split('\n').filter((l) => /^AWS_[A-Z0-9_]+=/.test(l) && !l.startsWith('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED='));

describe.skipIf(!hasAws)(hasAws ? 'AWS settings of locally run code' : 'AWS settings of locally run code (skipped: `aws` is not on PATH)', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-aws-isolation-'));
    const s3Module = pathToFileURL(require.resolve('@aws-sdk/client-s3')).href;
    const cpModule = pathToFileURL(require.resolve('@aws-sdk/client-codepipeline')).href;
    // A JS handler configured by nothing but its environment, as a deployed function is.
    fs.writeFileSync(
      path.join(tmp, 'js-handler.mjs'),
      [
        `import { S3Client, PutObjectCommand } from '${s3Module}';`,
        `import { CodePipelineClient, PutJobSuccessResultCommand } from '${cpModule}';`,
        'export const handler = async (event) => {',
        "  for (const [k, v] of Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')).sort()) console.log(`${k}=${v}`);",
        "  await new S3Client({ forcePathStyle: true }).send(new PutObjectCommand({ Bucket: 'isolation-bucket', Key: 'from-js-handler.txt', Body: 'from the JS handler' }));",
        "  await new CodePipelineClient({}).send(new PutJobSuccessResultCommand({ jobId: event['CodePipeline.job'].id }));",
        '};',
        '',
      ].join('\n'),
    );
    const config = [
      'codebuild:',
      '  projects:',
      '    isolated:',
      '      buildspec: |',
      '        version: 0.2',
      '        phases:',
      '          build:',
      '            commands:',
      '              - echo "from the build" > out.txt',
      `              - aws s3 cp out.txt s3://${BUCKET}/from-build.txt`,
      '              - env | grep ^AWS_ | sort',
      'lambda:',
      '  functions:',
      '    CommandFn:',
      `      command: env | grep ^AWS_ | sort; echo "from the command handler" > /tmp/cpl-iso-$$.txt && aws s3 cp /tmp/cpl-iso-$$.txt s3://${BUCKET}/from-command-handler.txt && rm /tmp/cpl-iso-$$.txt && aws codepipeline put-job-success-result --job-id "$CODEPIPELINE_JOB_ID"`,
      '    JsFn:',
      `      handler: ${path.join(tmp, 'js-handler.mjs')}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'config.yml'), config);
    emu = await startEmulator({ inMemory: false, dataDir: path.join(tmp, 'data'), configFile: path.join(tmp, 'config.yml') });
    cp = client(emu.endpoint);
    s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await createCustomTypes(cp);
    // Exported only now, for as long as the suite runs: the emulator's own clients above are configured explicitly.
    for (const [k, v] of Object.entries(realAwsSettings(tmp))) {
      saved.set(k, process.env[k]);
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of saved) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    await emu?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const object = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();

  it('a build, a Commands action and Lambda handlers reach the emulator as the pipeline account, never the exported account', async () => {
    const commands: ActionDeclaration = {
      name: 'Commands',
      actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
      commands: ['echo "from the commands" > c.txt', `aws s3 cp c.txt s3://${BUCKET}/from-commands.txt`, 'env | grep ^AWS_ | sort'],
      inputArtifacts: [{ name: 'SourceOut' }],
    };
    const lambda = (name: string, FunctionName: string): ActionDeclaration => ({
      name,
      actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      configuration: { FunctionName },
    });
    const actions = [codeBuildAction('Build', { ProjectName: 'isolated' }), commands, lambda('CommandFn', 'CommandFn'), lambda('JsFn', 'JsFn')];
    // Commands actions need a V2 pipeline.
    const decl = pipelineOf('isolation', [{ name: 'Run', actions }], { pipelineType: 'V2' });
    const id = await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    const status = await until(() => executionStatus(cp, 'isolation', id), (s) => s !== 'InProgress', 90_000);
    const logs: Record<string, string> = {};
    for (const name of ['Build', 'Commands', 'CommandFn', 'JsFn']) logs[name] = (await fetchLog(emu, (await actionExecution(cp, 'isolation', id, name)).actionExecutionId!)).text;
    expect(status, JSON.stringify(logs, null, 2)).toBe('Succeeded');

    expect(await object('from-build.txt')).toBe('from the build\n');
    expect(await object('from-commands.txt')).toBe('from the commands\n');
    expect(await object('from-command-handler.txt')).toBe('from the command handler\n');
    expect(await object('from-js-handler.txt')).toBe('from the JS handler');

    const awsFiles = (log: string) => [
      `AWS_CONFIG_FILE=${awsLines(log).find((l) => l.startsWith('AWS_CONFIG_FILE='))!.slice('AWS_CONFIG_FILE='.length)}`,
      `AWS_SHARED_CREDENTIALS_FILE=${awsLines(log).find((l) => l.startsWith('AWS_SHARED_CREDENTIALS_FILE='))!.slice('AWS_SHARED_CREDENTIALS_FILE='.length)}`,
    ];
    const common = (log: string) =>
      [
        `AWS_ACCESS_KEY_ID=${ACCOUNT}`,
        ...awsFiles(log),
        'AWS_DEFAULT_REGION=us-east-1',
        'AWS_EC2_METADATA_DISABLED=true',
        `AWS_ENDPOINT_URL=${emu.endpoint}`,
        'AWS_MAX_ATTEMPTS=2',
        'AWS_REGION=us-east-1',
        'AWS_SECRET_ACCESS_KEY=codepipeline-local',
      ].sort();
    // Builds get empty AWS files of their own (in the build folder); functions the null device.
    for (const name of ['Build', 'Commands']) {
      expect(awsLines(logs[name])).toEqual(common(logs[name]));
      expect(awsFiles(logs[name])).toEqual([expect.stringMatching(/\/\.aws\/config$/), expect.stringMatching(/\/\.aws\/credentials$/)]);
    }
    const lambdaLines = (log: string, functionName: string) =>
      [
        ...common(log),
        `AWS_ENDPOINT_URL_CODEPIPELINE=${emu.endpoint}`,
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128',
        `AWS_LAMBDA_FUNCTION_NAME=${functionName}`,
        'AWS_LAMBDA_FUNCTION_VERSION=$LATEST',
      ].sort();
    const nullFiles = [`AWS_CONFIG_FILE=${os.devNull}`, `AWS_SHARED_CREDENTIALS_FILE=${os.devNull}`];
    expect(awsLines(logs.CommandFn)).toEqual(lambdaLines(logs.CommandFn, 'CommandFn'));
    expect(awsFiles(logs.CommandFn)).toEqual(nullFiles);
    // A JS handler's console lines carry Lambda's "<time>\tINFO\t" prefix.
    const jsLines = logs.JsFn.split('\n').flatMap((l) => (/\tINFO\tAWS_/.test(l) ? [l.slice(l.indexOf('\tINFO\t') + 6)] : [])).join('\n');
    expect(awsLines(jsLines)).toEqual(lambdaLines(jsLines, 'JsFn'));
    expect(awsFiles(jsLines)).toEqual(nullFiles);
    for (const log of Object.values(logs)) expect(log).not.toContain('REALVALUE');
    // The emulator's own process has its environment back once the JS handler returned.
    expect(process.env.AWS_PROFILE).toBe('real-profile');
    expect(process.env.AWS_SESSION_TOKEN).toBe('REALVALUE-token');
  });

  it('a buildspec may still set AWS variables itself', async () => {
    const spec = 'version: 0.2\nenv:\n  variables:\n    AWS_REGION: eu-central-1\n    AWS_PROFILE: chosen\nphases:\n  build:\n    commands:\n      - echo "region=$AWS_REGION profile=$AWS_PROFILE"\n';
    const decl = pipelineOf('isolation-own', [{ name: 'Run', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] }]);
    const id = await startWithSource(emu, cp, decl, { 'buildspec.yml': spec });
    await until(() => executionStatus(cp, 'isolation-own', id), (s) => s !== 'InProgress', 30_000);
    const log = (await fetchLog(emu, (await actionExecution(cp, 'isolation-own', id, 'Build')).actionExecutionId!)).text;
    expect(log).toContain('\nregion=eu-central-1 profile=chosen\n');
  });
});
