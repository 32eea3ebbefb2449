// The SSM parameter store through the real endpoint: the JavaScript SDK and the AWS CLI.
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  UnlabelParameterVersionCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { ACCOUNT, expectAwsError, rawCall, useEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const t = useEmulator({ clock: { now: () => NOW } });
const ssm = (region = 'us-east-1') =>
  new SSMClient({ endpoint: t.emu.endpoint, region, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });

const arn = (name: string, region = 'us-east-1') => `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

describe('PutParameter and GetParameter', () => {
  it('creates version 1, refuses a second put without Overwrite, and versions with it', async () => {
    const c = ssm();
    expect(await c.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'localhost', Type: 'String' }))).toMatchObject({ Version: 1, Tier: 'Standard' });
    await expectAwsError(
      c.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'other', Type: 'String' })),
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
    expect((await c.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'db.local', Overwrite: true }))).Version).toBe(2);
    const { Parameter } = await c.send(new GetParameterCommand({ Name: '/app/db/host' }));
    expect(Parameter).toEqual({
      Name: '/app/db/host',
      Type: 'String',
      Value: 'db.local',
      Version: 2,
      LastModifiedDate: new Date(NOW),
      ARN: arn('/app/db/host'),
      DataType: 'text',
    });
    const v1 = await c.send(new GetParameterCommand({ Name: '/app/db/host:1' }));
    expect([v1.Parameter?.Value, v1.Parameter?.Version, v1.Parameter?.Selector]).toEqual(['localhost', 1, ':1']);
    expect((await c.send(new GetParameterCommand({ Name: arn('/app/db/host') }))).Parameter?.Value).toBe('db.local');
    await expectAwsError(
      c.send(new GetParameterCommand({ Name: '/app/db/host:7' })),
      'ParameterVersionNotFound',
      'Systems Manager could not find version 7 of /app/db/host. Verify the version and try again.',
    );
  });

  it('shows a SecureString value only WithDecryption', async () => {
    const c = ssm();
    await c.send(new PutParameterCommand({ Name: '/app/secret', Value: 's3cr3t', Type: 'SecureString' }));
    const hidden = (await c.send(new GetParameterCommand({ Name: '/app/secret' }))).Parameter!;
    expect(hidden.Type).toBe('SecureString');
    expect(hidden.Value).not.toContain('s3cr3t');
    expect(hidden.Value).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((await c.send(new GetParameterCommand({ Name: '/app/secret', WithDecryption: true }))).Parameter?.Value).toBe('s3cr3t');
  });

  it('keeps parameters per account and region', async () => {
    await ssm('eu-west-1').send(new PutParameterCommand({ Name: 'regional', Value: 'eu', Type: 'String' }));
    await expectAwsError(ssm().send(new GetParameterCommand({ Name: 'regional' })), 'ParameterNotFound');
    expect((await ssm('eu-west-1').send(new GetParameterCommand({ Name: 'regional' }))).Parameter?.ARN).toBe(arn('regional', 'eu-west-1'));
  });

  it('answers AWS errors for bad names, types and values, never a 500', async () => {
    const c = ssm();
    await expectAwsError(c.send(new PutParameterCommand({ Name: 'a/b', Value: 'x', Type: 'String' })), 'ValidationException', 'Parameter name must be a fully qualified name.');
    await expectAwsError(c.send(new PutParameterCommand({ Name: '/aws/x', Value: 'x', Type: 'String' })), 'ValidationException');
    await expectAwsError(c.send(new PutParameterCommand({ Name: 'sp ace', Value: 'x', Type: 'String' })), 'ValidationException');
    await expectAwsError(c.send(new PutParameterCommand({ Name: 'untyped', Value: 'x' })), 'ValidationException', 'A parameter type is required when you create a parameter.');
    await expectAwsError(
      c.send(new PutParameterCommand({ Name: 'pattern', Value: 'abc', Type: 'String', AllowedPattern: '^\\d+$' })),
      'ParameterPatternMismatchException',
      'Parameter value, cannot be validated against allowedPattern: ^\\d+$',
    );
    await expectAwsError(c.send(new PutParameterCommand({ Name: 'big', Value: 'x'.repeat(4097), Type: 'String' })), 'ValidationException');
    const bad = await rawCall(t.emu.endpoint, 'AmazonSSM.PutParameter', JSON.stringify({ Name: 'x', Value: 'y', Type: 'Number' }));
    expect([bad.status, bad.json]).toEqual([
      400,
      { __type: 'ValidationException', message: "1 validation error detected: Value 'Number' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [String, StringList, SecureString]" },
    ]);
    const wrong = await rawCall(t.emu.endpoint, 'AmazonSSM.GetParameter', JSON.stringify({ Name: 5 }));
    expect([wrong.status, wrong.json?.__type]).toEqual([400, 'SerializationException']);
    // A Java-style (?i) pattern in the model (AccountId) validates, then the operation is not implemented: never a 500.
    const permission = await rawCall(t.emu.endpoint, 'AmazonSSM.ModifyDocumentPermission', JSON.stringify({ Name: 'doc', PermissionType: 'Share', AccountIdsToAdd: ['All'] }));
    expect([permission.status, permission.json?.__type]).toEqual([501, 'NotImplementedException']);
    const missing = await rawCall(t.emu.endpoint, 'AmazonSSM.GetParameters', '{}');
    expect([missing.status, missing.json]).toEqual([
      400,
      { __type: 'ValidationException', message: "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null" },
    ]);
  });
});

describe('GetParameters, GetParametersByPath, DescribeParameters, Delete*', () => {
  it('GetParameters answers the found ones and lists the others as InvalidParameters', async () => {
    const c = ssm();
    await c.send(new PutParameterCommand({ Name: '/list/a', Value: 'x,y', Type: 'StringList' }));
    const out = await c.send(new GetParametersCommand({ Names: ['/list/a', '/list/none', '/list/a:9'] }));
    expect(out.Parameters?.map((p) => [p.Name, p.Type, p.Value])).toEqual([['/list/a', 'StringList', 'x,y']]);
    expect(out.InvalidParameters).toEqual(['/list/none', '/list/a:9']);
  });

  it('GetParametersByPath walks one level, or every level with Recursive, in pages', async () => {
    const c = ssm();
    for (const n of ['/tree/a', '/tree/b', '/tree/c', '/tree/sub/d', '/tree/sub/deeper/e', '/treetop'])
      await c.send(new PutParameterCommand({ Name: n, Value: n, Type: n.endsWith('c') ? 'SecureString' : 'String' }));
    const one = await c.send(new GetParametersByPathCommand({ Path: '/tree' }));
    expect(one.Parameters?.map((p) => p.Name)).toEqual(['/tree/a', '/tree/b', '/tree/c']);
    expect(one.Parameters?.[2].Value).not.toBe('/tree/c');
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.send(new GetParametersByPathCommand({ Path: '/tree/', Recursive: true, MaxResults: 2, NextToken: token, WithDecryption: true }));
      names.push(...page.Parameters!.map((p) => `${p.Name}=${p.Value}`));
      token = page.NextToken;
      pages++;
    } while (token && pages < 10);
    expect([pages, names]).toEqual([3, ['/tree/a=/tree/a', '/tree/b=/tree/b', '/tree/c=/tree/c', '/tree/sub/d=/tree/sub/d', '/tree/sub/deeper/e=/tree/sub/deeper/e']]);
    const typed = await c.send(new GetParametersByPathCommand({ Path: '/tree', Recursive: true, ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }));
    expect(typed.Parameters?.map((p) => p.Name)).toEqual(['/tree/c']);
    await expectAwsError(c.send(new GetParametersByPathCommand({ Path: '/tree', NextToken: 'bogus' })), 'InvalidNextToken');
    await expectAwsError(c.send(new GetParametersByPathCommand({ Path: '/tree', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] })), 'InvalidFilterKey');
  });

  it('DescribeParameters shows metadata, never values, with filters', async () => {
    const c = ssm();
    await c.send(new PutParameterCommand({ Name: '/desc/one', Value: 'v', Type: 'SecureString', Description: 'the first' }));
    await c.send(new PutParameterCommand({ Name: '/desc/two', Value: 'v', Type: 'String' }));
    const out = await c.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/desc/'] }] }));
    expect(out.Parameters).toEqual([
      {
        Name: '/desc/one',
        ARN: arn('/desc/one'),
        Type: 'SecureString',
        KeyId: 'alias/aws/ssm',
        LastModifiedDate: new Date(NOW),
        LastModifiedUser: `arn:aws:iam::${ACCOUNT}:root`,
        Description: 'the first',
        Version: 1,
        Tier: 'Standard',
        Policies: [],
        DataType: 'text',
      },
      expect.objectContaining({ Name: '/desc/two', Type: 'String', Version: 1 }),
    ]);
    const path = await c.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Values: ['/desc'] }, { Key: 'Type', Values: ['String'] }] }));
    expect(path.Parameters?.map((p) => p.Name)).toEqual(['/desc/two']);
    await expectAwsError(c.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Recursive', Values: ['x'] }] })), 'InvalidFilterOption');
  });

  it('DeleteParameter and DeleteParameters remove every version', async () => {
    const c = ssm();
    await c.send(new PutParameterCommand({ Name: 'gone', Value: '1', Type: 'String' }));
    await c.send(new PutParameterCommand({ Name: 'gone', Value: '2', Overwrite: true }));
    await c.send(new DeleteParameterCommand({ Name: 'gone' }));
    await expectAwsError(c.send(new GetParameterCommand({ Name: 'gone:1' })), 'ParameterNotFound');
    await expectAwsError(c.send(new DeleteParameterCommand({ Name: 'gone' })), 'ParameterNotFound');
    expect((await c.send(new PutParameterCommand({ Name: 'gone', Value: 'again', Type: 'String' }))).Version).toBe(1);
    const out = await c.send(new DeleteParametersCommand({ Names: ['gone', 'never'] }));
    expect([out.DeletedParameters, out.InvalidParameters]).toEqual([['gone'], ['never']]);
  });
});

describe('labels and history', () => {
  it('LabelParameterVersion moves a label between versions; name:label selects; GetParameterHistory lists versions with labels', async () => {
    const c = ssm();
    await c.send(new PutParameterCommand({ Name: '/hist/p', Value: 'one', Type: 'String' }));
    await c.send(new PutParameterCommand({ Name: '/hist/p', Value: 'two', Overwrite: true }));
    expect(await c.send(new LabelParameterVersionCommand({ Name: '/hist/p', ParameterVersion: 1, Labels: ['prod', 'aws-no', '1bad'] }))).toMatchObject({ InvalidLabels: ['aws-no', '1bad'], ParameterVersion: 1 });
    expect((await c.send(new GetParameterCommand({ Name: '/hist/p:prod' }))).Parameter).toMatchObject({ Value: 'one', Version: 1, Selector: ':prod' });
    expect((await c.send(new LabelParameterVersionCommand({ Name: '/hist/p', Labels: ['prod'] }))).ParameterVersion).toBe(2);
    expect((await c.send(new GetParameterCommand({ Name: '/hist/p:prod' }))).Parameter?.Value).toBe('two');
    const history = await c.send(new GetParameterHistoryCommand({ Name: '/hist/p' }));
    expect(history.Parameters?.map((p) => [p.Version, p.Value, p.Labels])).toEqual([
      [1, 'one', []],
      [2, 'two', ['prod']],
    ]);
    const page = await c.send(new GetParameterHistoryCommand({ Name: '/hist/p', MaxResults: 1 }));
    expect((await c.send(new GetParameterHistoryCommand({ Name: '/hist/p', MaxResults: 1, NextToken: page.NextToken }))).Parameters?.map((p) => p.Version)).toEqual([2]);
    expect(await c.send(new UnlabelParameterVersionCommand({ Name: '/hist/p', ParameterVersion: 2, Labels: ['prod', 'other'] }))).toMatchObject({ RemovedLabels: ['prod'], InvalidLabels: ['other'] });
    await expectAwsError(c.send(new GetParameterCommand({ Name: '/hist/p:prod' })), 'ParameterNotFound');
    await expectAwsError(c.send(new LabelParameterVersionCommand({ Name: '/hist/p', ParameterVersion: 9, Labels: ['x'] })), 'ParameterVersionNotFound');
    await expectAwsError(c.send(new GetParameterHistoryCommand({ Name: '/hist/none' })), 'ParameterNotFound');
  });
});

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;

function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('aws', ['--endpoint-url', t.emu.endpoint, '--output', 'json', ...args], { env: clientEnv(), timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(!hasAws)(hasAws ? 'the AWS CLI' : 'the AWS CLI (skipped: `aws` is not on PATH)', () => {
  it('aws ssm put-parameter / get-parameter, and the error for a missing one', async () => {
    const put = await aws(['ssm', 'put-parameter', '--name', '/cli/token', '--value', 'abc', '--type', 'SecureString']);
    expect([put.code, JSON.parse(put.stdout)]).toEqual([0, { Version: 1, Tier: 'Standard' }]);
    const get = await aws(['ssm', 'get-parameter', '--name', '/cli/token', '--with-decryption']);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout).Parameter).toEqual({
      Name: '/cli/token',
      Type: 'SecureString',
      Value: 'abc',
      Version: 1,
      LastModifiedDate: NOW / 1000,
      ARN: arn('/cli/token'),
      DataType: 'text',
    });
    const missing = await aws(['ssm', 'get-parameter', '--name', '/cli/none']);
    expect([missing.code, missing.stderr.trim()]).toEqual([255, 'An error occurred (ParameterNotFound) when calling the GetParameter operation:']);
  });
});
