// The Secrets Manager API over the local secrets store, through the wire (no JavaScript SDK client is
// installed) and the AWS CLI: secrets, values, versions and staging labels, deletion and restore,
// listing, random passwords; a CodeBuild SECRETS_MANAGER variable reads what it stores.
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { ACCOUNT, rawCall, useEmulator } from './harness.js';
import { until } from './engineKit.js';
import { clientEnv } from './scripts/expected.js';

const NOW = Date.UTC(2026, 3, 4, 5, 6, 7);
let now = NOW;
const t = useEmulator({ clock: { now: () => now } });

const SCOPE = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00` };
async function sm(op: string, body: object) {
  const r = await rawCall(t.emu.endpoint, `secretsmanager.${op}`, JSON.stringify(body), SCOPE);
  return { status: r.status, json: r.json };
}
const ARN = new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-[A-Za-z0-9]{6}$`);

describe('secrets and their values', () => {
  it('CreateSecret, GetSecretValue, PutSecretValue (AWSCURRENT moves, AWSPREVIOUS follows), DescribeSecret', async () => {
    const created = await sm('CreateSecret', { Name: 'app/db', SecretString: '{"user":"u","pw":"one"}', Description: 'db', ClientRequestToken: 'a'.repeat(32) });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ ARN: expect.stringMatching(ARN), Name: 'app/db', VersionId: 'a'.repeat(32) });
    const arn = created.json.ARN;
    expect((await sm('GetSecretValue', { SecretId: 'app/db' })).json).toEqual({
      ARN: arn,
      Name: 'app/db',
      VersionId: 'a'.repeat(32),
      SecretString: '{"user":"u","pw":"one"}',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: NOW / 1000,
    });
    now = NOW + 1000;
    const put = await sm('PutSecretValue', { SecretId: arn, SecretString: '{"user":"u","pw":"two"}', ClientRequestToken: 'b'.repeat(32) });
    expect(put.json).toEqual({ ARN: arn, Name: 'app/db', VersionId: 'b'.repeat(32), VersionStages: ['AWSCURRENT'] });
    expect((await sm('PutSecretValue', { SecretId: arn, SecretString: '{"user":"u","pw":"two"}', ClientRequestToken: 'b'.repeat(32) })).json.VersionId).toBe('b'.repeat(32));
    expect(await sm('PutSecretValue', { SecretId: arn, SecretString: 'other', ClientRequestToken: 'b'.repeat(32) })).toEqual({
      status: 400,
      json: { __type: 'ResourceExistsException', message: "You can't modify an existing version, you can only create a new version." },
    });
    expect((await sm('GetSecretValue', { SecretId: arn.slice(0, -7), VersionStage: 'AWSPREVIOUS' })).json.SecretString).toBe('{"user":"u","pw":"one"}');
    expect((await sm('DescribeSecret', { SecretId: 'app/db' })).json).toEqual({
      ARN: arn,
      Name: 'app/db',
      Description: 'db',
      LastChangedDate: (NOW + 1000) / 1000,
      VersionIdsToStages: { ['a'.repeat(32)]: ['AWSPREVIOUS'], ['b'.repeat(32)]: ['AWSCURRENT'] },
      CreatedDate: NOW / 1000,
    });
    expect((await sm('ListSecretVersionIds', { SecretId: 'app/db' })).json.Versions.map((v: any) => v.VersionStages)).toEqual([['AWSPREVIOUS'], ['AWSCURRENT']]);
  });

  it('a CodeBuild SECRETS_MANAGER variable reads the secret’s current value by JSON key, masked in the log', async () => {
    const cb = new CodeBuildClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    await cb.send(
      new CreateProjectCommand({
        name: 'secret-reader',
        source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "pw=$PW" && test "$PW" = two\n' },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL', environmentVariables: [{ name: 'PW', value: 'app/db:pw', type: 'SECRETS_MANAGER' }] },
        serviceRole: 'role',
      }),
    );
    const { build } = await cb.send(new StartBuildCommand({ projectName: 'secret-reader' }));
    const done = (await until(() => cb.send(new BatchGetBuildsCommand({ ids: [build!.id!] })), (o) => o.builds?.[0]?.buildComplete === true, 20_000)).builds![0];
    expect(done.buildStatus).toBe('SUCCEEDED');
    expect(await fetch(done.logs!.deepLink!).then((r) => r.text())).toContain('pw=***');
  });

  it('answers Secrets Manager’s errors', async () => {
    expect(await sm('GetSecretValue', { SecretId: 'nope' })).toEqual({ status: 400, json: { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } });
    expect(await sm('CreateSecret', { Name: 'app/db', SecretString: 'x' })).toEqual({
      status: 400,
      json: { __type: 'ResourceExistsException', message: 'The operation failed because the secret app/db already exists.' },
    });
    expect((await sm('CreateSecret', { Name: 'bad name!', SecretString: 'x' })).json.__type).toBe('InvalidParameterException');
    expect((await sm('CreateSecret', { Name: 'both', SecretString: 'x', SecretBinary: 'eA==' })).json).toEqual({
      __type: 'InvalidParameterException',
      message: "You can't specify both a binary secret value and a string secret value in the same secret.",
    });
    expect((await sm('PutSecretValue', { SecretId: 'app/db' })).json.message).toBe('You must provide either SecretString or SecretBinary.');
    await sm('CreateSecret', { Name: 'empty' });
    expect((await sm('GetSecretValue', { SecretId: 'empty' })).json).toEqual({
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    const bad = await sm('GetSecretValue', { SecretId: '' });
    expect([bad.status, bad.json.__type]).toEqual([400, 'ValidationException']);
    expect((await sm('RotateSecret', { SecretId: 'app/db' })).status).toBe(501);
  });

  it('DeleteSecret schedules (refused meanwhile, RestoreSecret cancels) or forces; ListSecrets filters', async () => {
    await sm('CreateSecret', { Name: 'app/api', SecretString: 'k', Tags: [{ Key: 'team', Value: 'ci' }] });
    const scheduled = await sm('DeleteSecret', { SecretId: 'app/api', RecoveryWindowInDays: 7 });
    expect(scheduled.json.DeletionDate).toBe((now + 7 * 86_400_000) / 1000);
    expect(await sm('GetSecretValue', { SecretId: 'app/api' })).toEqual({
      status: 400,
      json: { __type: 'InvalidRequestException', message: "You can't perform this operation on the secret because it was marked for deletion." },
    });
    expect((await sm('ListSecrets', {})).json.SecretList.map((s: any) => s.Name)).toEqual(['empty', 'app/db']);
    expect((await sm('ListSecrets', { IncludePlannedDeletion: true, SortBy: 'name', SortOrder: 'asc' })).json.SecretList.map((s: any) => s.Name)).toEqual(['app/api', 'app/db', 'empty']);
    await sm('RestoreSecret', { SecretId: 'app/api' });
    expect((await sm('GetSecretValue', { SecretId: 'app/api' })).json.SecretString).toBe('k');
    expect((await sm('ListSecrets', { Filters: [{ Key: 'tag-value', Values: ['ci'] }] })).json.SecretList.map((s: any) => s.Name)).toEqual(['app/api']);
    expect((await sm('ListSecrets', { Filters: [{ Key: 'name', Values: ['app/', '!app/api'] }] })).json.SecretList.map((s: any) => s.Name)).toEqual(['app/db']);
    expect((await sm('DeleteSecret', { SecretId: 'app/api', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })).json.__type).toBe('InvalidParameterException');
    await sm('DeleteSecret', { SecretId: 'app/api', ForceDeleteWithoutRecovery: true });
    expect((await sm('DescribeSecret', { SecretId: 'app/api' })).json.__type).toBe('ResourceNotFoundException');
    await sm('CreateSecret', { Name: 'soon-gone', SecretString: 'x' });
    await sm('DeleteSecret', { SecretId: 'soon-gone', RecoveryWindowInDays: 7 });
    now += 8 * 86_400_000;
    expect((await sm('DescribeSecret', { SecretId: 'soon-gone' })).json.__type).toBe('ResourceNotFoundException');
  });

  it('GetRandomPassword', async () => {
    const pw = (await sm('GetRandomPassword', { PasswordLength: 16, ExcludePunctuation: true, ExcludeCharacters: 'abc' })).json.RandomPassword as string;
    expect(pw).toMatch(/^[d-zA-Z0-9]{16}$/);
    expect((await sm('GetRandomPassword', {})).json.RandomPassword).toHaveLength(32);
    expect((await sm('GetRandomPassword', { ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).json.__type).toBe('InvalidParameterException');
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
  it('aws secretsmanager create-secret / get-secret-value, and the error for a missing one', async () => {
    const created = await aws(['secretsmanager', 'create-secret', '--name', 'cli/secret', '--secret-string', 's3cr3t']);
    expect([created.code, created.stderr]).toEqual([0, '']);
    const got = await aws(['secretsmanager', 'get-secret-value', '--secret-id', 'cli/secret']);
    expect(JSON.parse(got.stdout)).toMatchObject({ Name: 'cli/secret', SecretString: 's3cr3t', VersionStages: ['AWSCURRENT'] });
    const missing = await aws(['secretsmanager', 'get-secret-value', '--secret-id', 'cli/none']);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      255,
      "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.",
    ]);
  });
});
