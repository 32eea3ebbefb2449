// STS on the shared port (query protocol): GetCallerIdentity names the caller's account, AssumeRole and
// GetSessionToken hand out keys that act in the role's (or the caller's) account, signed or not; the
// model's validation and the protocol's errors in STS's XML shape; the AWS CLI as a client.
import { execFile, spawnSync } from 'node:child_process';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { ListPipelinesCommand, CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, expectAwsError, failure, useEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';
import { CREDENTIALS, KEY } from './sigv4Kit.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const stsClient = (endpoint: string, credentials: Creds = { accessKeyId: ACCOUNT, secretAccessKey: 'x' }) =>
  new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

const form = (endpoint: string, body: string) =>
  fetch(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('STS, signatures not verified', () => {
  const t = useEmulator();

  it('GetCallerIdentity names the account of the 12-digit key as the root user', async () => {
    const { $metadata, ...out } = await stsClient(t.emu.endpoint).send(new GetCallerIdentityCommand({}));
    expect(out).toEqual({ UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    expect($metadata.httpStatusCode).toBe(200);
    const other = await stsClient(t.emu.endpoint, { accessKeyId: 'AKIAANYTHING', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}));
    expect(other.Account).toBe('000000000000');
  });

  it('AssumeRole answers credentials acting in the role’s account, and the assumed-role user', async () => {
    const before = Date.now();
    const out = await stsClient(t.emu.endpoint).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/cdk-hnb659fds-deploy-role-210987654321-us-east-1', RoleSessionName: 'aws-cdk-dev', DurationSeconds: 900 }),
    );
    const c = out.Credentials!;
    expect(c.AccessKeyId).toBe('ASIALOCAL210987654321');
    expect(c.SecretAccessKey).toMatch(/^\S{40}$/);
    expect(c.SessionToken!.length).toBeGreaterThan(16);
    expect(c.Expiration!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(c.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: expect.stringMatching(/^AROA[0-9A-F]{17}:aws-cdk-dev$/),
      Arn: 'arn:aws:sts::210987654321:assumed-role/cdk-hnb659fds-deploy-role-210987654321-us-east-1/aws-cdk-dev',
    });
    // The key acts in the role's account, for every service on the port, as the role's session.
    const as = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const { $metadata: _, ...who } = await stsClient(t.emu.endpoint, as).send(new GetCallerIdentityCommand({}));
    expect(who).toEqual({ UserId: out.AssumedRoleUser!.AssumedRoleId, Account: '210987654321', Arn: out.AssumedRoleUser!.Arn });
    // Without the session token the key is the account's root.
    const bare = await stsClient(t.emu.endpoint, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    expect(bare.Arn).toBe('arn:aws:iam::210987654321:root');
  });

  it('GetSessionToken answers credentials of the caller’s own account, 12 hours by default', async () => {
    const out = await stsClient(t.emu.endpoint).send(new GetSessionTokenCommand({}));
    expect(out.Credentials!.AccessKeyId).toBe(`ASIALOCAL${ACCOUNT}`);
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(43_100_000);
  });

  it('the model’s constraints are ValidationError with STS’s member paths', async () => {
    await expectAwsError(
      stsClient(t.emu.endpoint).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/r', RoleSessionName: 'has space' })),
      'ValidationError',
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    const missing = await form(t.emu.endpoint, 'Action=AssumeRole&Version=2011-06-15');
    expect(missing.status).toBe(400);
    expect(missing.text).toContain(
      "<Code>ValidationError</Code><Message>2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null</Message>",
    );
    await expectAwsError(
      stsClient(t.emu.endpoint).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:s3:::not-a-role-at-all', RoleSessionName: 'ci' })),
      'ValidationError',
      'arn:aws:s3:::not-a-role-at-all is invalid',
    );
  });

  it('a wrong type, a missing or unknown Action, an unimplemented operation: STS’s errors, never 500', async () => {
    const wrongType = await form(t.emu.endpoint, 'Action=GetSessionToken&Version=2011-06-15&DurationSeconds=soon');
    expect([wrongType.status, /<Code>(.*)<\/Code><Message>(.*)<\/Message>/.exec(wrongType.text)?.slice(1)]).toEqual([
      400,
      ['InvalidParameterValue', 'Value (soon) for parameter DurationSeconds is invalid. Expected a number.'],
    ]);
    const noAction = await form(t.emu.endpoint, 'Version=2011-06-15');
    expect([noAction.status, /<Code>(.*)<\/Code>/.exec(noAction.text)?.[1]]).toEqual([400, 'MissingAction']);
    const unknown = await form(t.emu.endpoint, 'Action=toString&Version=2011-06-15');
    expect([unknown.status, /<Message>(.*)<\/Message>/.exec(unknown.text)?.[1]]).toEqual([400, 'Could not find operation toString for version 2011-06-15']);
    const unimplemented = await form(t.emu.endpoint, 'Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAIOSFODNN7EXAMPLE');
    expect([unimplemented.status, /<Code>(.*)<\/Code>/.exec(unimplemented.text)?.[1]]).toEqual([501, 'NotImplemented']);
  });

  const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;
  it.skipIf(!hasAws)('`aws sts get-caller-identity` and `aws sts assume-role` (AWS CLI v1)', async () => {
    const aws = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile('aws', ['--endpoint-url', t.emu.endpoint, '--output', 'json', ...args], { env: clientEnv(), timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        ),
      );
    const who = await aws('sts', 'get-caller-identity');
    expect([who.code, who.stderr, JSON.parse(who.stdout)]).toEqual([0, '', { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` }]);
    const role = await aws('sts', 'assume-role', '--role-arn', 'arn:aws:iam::222233334444:role/deployer', '--role-session-name', 'ci');
    expect(role.code).toBe(0);
    expect(JSON.parse(role.stdout).AssumedRoleUser.Arn).toBe('arn:aws:sts::222233334444:assumed-role/deployer/ci');
    const bad = await aws('sts', 'assume-role', '--role-arn', 'arn:aws:iam::222233334444:role/deployer', '--role-session-name', 'a b');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      255,
      "An error occurred (ValidationError) when calling the AssumeRole operation: 1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ]);
  });
});

describe('STS with signatures verified', () => {
  const t = useEmulator({ credentials: CREDENTIALS });

  it('GetCallerIdentity names the account the credentials give the key', async () => {
    const out = await stsClient(t.emu.endpoint, KEY).send(new GetCallerIdentityCommand({}));
    expect([out.Account, out.Arn]).toEqual([KEY.accountId, `arn:aws:iam::${KEY.accountId}:root`]);
  });

  it('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId, no signature MissingAuthenticationToken (403)', async () => {
    const wrong = await failure(stsClient(t.emu.endpoint, { accessKeyId: KEY.accessKeyId, secretAccessKey: 'nope' }).send(new GetCallerIdentityCommand({})));
    expect([wrong.name, wrong.$metadata.httpStatusCode, wrong.message.split('\n')[0]]).toEqual([
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ]);
    const unknown = await failure(stsClient(t.emu.endpoint, { accessKeyId: 'AKIAUNKNOWN0000000', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    expect([unknown.name, unknown.$metadata.httpStatusCode, unknown.message]).toEqual(['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
    const unsigned = await form(t.emu.endpoint, 'Action=GetCallerIdentity&Version=2011-06-15');
    expect([unsigned.status, /<Code>(.*)<\/Code><Message>(.*)<\/Message>/.exec(unsigned.text)?.slice(1)]).toEqual([403, ['MissingAuthenticationToken', 'Request is missing Authentication Token']]);
  });

  it('AssumeRole issues a key the emulator accepts, acting in the role’s account (STS and CodePipeline)', async () => {
    const out = await stsClient(t.emu.endpoint, KEY).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999988887777:role/deployer', RoleSessionName: 'ci' }));
    const c = out.Credentials!;
    const as = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const who = await stsClient(t.emu.endpoint, as).send(new GetCallerIdentityCommand({}));
    expect([who.Account, who.Arn]).toEqual(['999988887777', 'arn:aws:sts::999988887777:assumed-role/deployer/ci']);
    const cp = new CodePipelineClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
  });
});
