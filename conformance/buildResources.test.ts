// The resource types of src/stacks/resources/ (AWS::CodeBuild::Project, AWS::SSM::Parameter,
// AWS::SecretsManager::Secret) called directly with a hand-made ProvisionContext, as the stack engine
// will call them; what they create is then seen through the CodeBuild and SSM APIs and used by builds.
import { describe, expect, it } from 'vitest';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ProvisionError, ReplacementRequired, type ProvisionContext } from '../src/stacks/provisioners.js';
import { codeBuildProjectProvisioner } from '../src/stacks/resources/codeBuildProject.js';
import { generatePassword, secretsManagerSecretProvisioner } from '../src/stacks/resources/secretsManagerSecret.js';
import { ssmParameterProvisioner } from '../src/stacks/resources/ssmParameter.js';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import { until } from './engineKit.js';

const t = useEmulator();
const creds = { accessKeyId: ACCOUNT, secretAccessKey: 'x' };
const cb = () => new CodeBuildClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
const ssm = () => new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/app/00000000-0000-0000-0000-000000000000`;
function context(logicalId: string, type: string): ProvisionContext & { notes: string[] } {
  const notes: string[] = [];
  return {
    scope: { account: ACCOUNT, region: 'us-east-1' },
    stackName: 'app',
    stackId: STACK_ID,
    logicalId,
    type,
    now: Date.UTC(2026, 2, 1),
    generatedName: (max = 128) => `app-${logicalId}-ABCDEF123456`.slice(0, max),
    note: (line) => notes.push(line),
    notes,
  };
}

const BUILDSPEC = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "token=$TOKEN pass=$PASS"\n';

describe('AWS::SSM::Parameter', () => {
  it('creates, updates (a new version) and deletes a parameter; Ref is the name, GetAtt Type and Value', async () => {
    const p = ssmParameterProvisioner(t.emu.store);
    const ctx = context('TokenParam', 'AWS::SSM::Parameter');
    expect(await p.create(ctx, { Name: '/app/token', Type: 'String', Value: 'tok-1', Description: 'the token' })).toEqual({
      physicalId: '/app/token',
      attributes: { Type: 'String', Value: 'tok-1' },
    });
    expect((await ssm().send(new GetParameterCommand({ Name: '/app/token' }))).Parameter).toMatchObject({ Value: 'tok-1', Version: 1, Type: 'String' });
    await p.update!(ctx, '/app/token', { Name: '/app/token', Type: 'StringList', Value: 'a,b' }, { Name: '/app/token', Type: 'String', Value: 'tok-1' });
    expect((await ssm().send(new GetParameterCommand({ Name: '/app/token' }))).Parameter).toMatchObject({ Value: 'a,b', Version: 2, Type: 'StringList' });
    expect(await failure(p.update!(ctx, '/app/token', { Name: '/app/other', Type: 'String', Value: 'x' }, { Name: '/app/token' }))).toBeInstanceOf(ReplacementRequired);
    const unnamed = await p.create(context('Unnamed', 'AWS::SSM::Parameter'), { Type: 'String', Value: 'v' });
    expect(unnamed.physicalId).toBe('app-Unnamed-ABCDEF123456');
    await p.delete(ctx, '/app/token', {});
    expect(t.emu.store.parameters.get(ctx.scope, '/app/token')).toBeUndefined();
  });

  it('fails with CloudFormation’s handler message for a taken name, a SecureString, a bad name', async () => {
    const p = ssmParameterProvisioner(t.emu.store);
    const ctx = context('P', 'AWS::SSM::Parameter');
    await p.create(ctx, { Name: 'taken', Type: 'String', Value: 'v' });
    const taken = await failure(p.create(ctx, { Name: 'taken', Type: 'String', Value: 'v' }));
    expect([taken instanceof ProvisionError, taken.message]).toEqual([true, `Resource handler returned message: "taken already exists in stack ${STACK_ID}" (HandlerErrorCode: AlreadyExists)`]);
    expect((await failure(p.create(ctx, { Name: 'secure', Type: 'SecureString', Value: 'v' }))).message).toContain('SecureString parameters are not supported by CloudFormation');
    expect((await failure(p.create(ctx, { Name: 'a/b', Type: 'String', Value: 'v' }))).message).toBe(
      'Resource handler returned message: "Parameter name must be a fully qualified name." (HandlerErrorCode: InvalidRequest)',
    );
  });
});

describe('AWS::SecretsManager::Secret', () => {
  it('SecretString, and GenerateSecretString with a template and key; Ref and Id are the ARN', async () => {
    const p = secretsManagerSecretProvisioner(t.emu.store);
    const ctx = context('DbSecret', 'AWS::SecretsManager::Secret');
    const made = await p.create(ctx, {
      Name: 'app/db',
      GenerateSecretString: { SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: 'password', PasswordLength: 20, ExcludePunctuation: true },
    });
    expect(made.physicalId).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-[A-Za-z0-9]{6}$`));
    expect(made.attributes).toEqual({ Id: made.physicalId });
    const doc = JSON.parse(t.emu.store.secrets.value(ctx.scope, made.physicalId));
    expect(doc.username).toBe('admin');
    expect(doc.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await p.update!(ctx, made.physicalId, { Name: 'app/db', SecretString: '{"username":"admin","password":"fixed"}' }, { Name: 'app/db', GenerateSecretString: {} });
    expect(t.emu.store.secrets.resolve(ctx.scope, 'app/db:password')).toBe('fixed');
    expect(t.emu.store.secrets.resolve(ctx.scope, `app/db:password:AWSPREVIOUS`)).toBe(doc.password);
    const both = await failure(p.create(context('Both', 'AWS::SecretsManager::Secret'), { SecretString: 'a', GenerateSecretString: {} }));
    expect(both.message).toBe(`Resource handler returned message: "You can't specify both SecretString and GenerateSecretString" (HandlerErrorCode: InvalidRequest)`);
    await p.delete(ctx, made.physicalId, {});
    expect(t.emu.store.secrets.find(ctx.scope, 'app/db')).toBeUndefined();
  });

  it('generates passwords with the options asked for', () => {
    for (let i = 0; i < 20; i++) {
      const pw = generatePassword({ PasswordLength: 12, ExcludeCharacters: 'abcdefghijklmnopqrstuvwxyz', ExcludePunctuation: 'true' });
      expect(pw).toMatch(/^[A-Z0-9]{12}$/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[0-9]/);
    }
    expect(generatePassword({})).toHaveLength(32);
    expect(() => generatePassword({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toThrow(ProvisionError);
  });
});

describe('AWS::CodeBuild::Project', () => {
  it('creates the project from template properties; a build of it resolves the stack’s parameter and secret', async () => {
    const params = ssmParameterProvisioner(t.emu.store);
    const secrets = secretsManagerSecretProvisioner(t.emu.store);
    const projects = codeBuildProjectProvisioner(t.emu.store);
    await params.create(context('Token', 'AWS::SSM::Parameter'), { Name: '/stack/token', Type: 'String', Value: 'token-from-stack' });
    const secret = await secrets.create(context('Pass', 'AWS::SecretsManager::Secret'), { Name: 'stack/pass', SecretString: '{"pw":"pw-from-stack"}' });
    const ctx = context('BuildProject', 'AWS::CodeBuild::Project');
    const made = await projects.create(ctx, {
      Source: { Type: 'NO_SOURCE', BuildSpec: BUILDSPEC },
      Artifacts: { Type: 'NO_ARTIFACTS' },
      Environment: {
        Type: 'LINUX_CONTAINER',
        Image: 'aws/codebuild/standard:7.0',
        ComputeType: 'BUILD_GENERAL1_SMALL',
        PrivilegedMode: 'false',
        EnvironmentVariables: [
          { Name: 'TOKEN', Value: '/stack/token', Type: 'PARAMETER_STORE' },
          { Name: 'PASS', Value: `${secret.physicalId}:pw`, Type: 'SECRETS_MANAGER' },
        ],
      },
      ServiceRole: `arn:aws:iam::${ACCOUNT}:role/cb`,
      TimeoutInMinutes: '15',
      Tags: [{ Key: 'team', Value: 'ci' }],
      Triggers: { Webhook: true },
    });
    expect(made).toEqual({ physicalId: 'app-BuildProject-ABCDEF123456', attributes: { Arn: `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/app-BuildProject-ABCDEF123456` } });
    expect(ctx.notes).toEqual(['CodeBuild project app-BuildProject-ABCDEF123456 created']);
    const { projects: [p] = [] } = await cb().send(new BatchGetProjectsCommand({ names: [made.physicalId] }));
    expect([p.source, p.timeoutInMinutes, p.tags, p.environment?.privilegedMode, p.created]).toEqual([
      { type: 'NO_SOURCE', buildspec: BUILDSPEC },
      15,
      [{ key: 'team', value: 'ci' }],
      false,
      new Date(Date.UTC(2026, 2, 1)),
    ]);
    const { build } = await cb().send(new StartBuildCommand({ projectName: made.physicalId }));
    const done = await until(() => cb().send(new BatchGetBuildsCommand({ ids: [build!.id!] })), (o) => o.builds?.[0]?.buildComplete === true, 20_000);
    expect(done.builds![0].buildStatus).toBe('SUCCEEDED');
    const log = await fetch(done.builds![0].logs!.deepLink!).then((r) => r.text());
    expect(log).toContain('token=*** pass=***');
    expect(log).not.toContain('pw-from-stack');
  });

  it('updates in place (what the template drops goes back to the default), replaces on a new Name, deletes', async () => {
    const projects = codeBuildProjectProvisioner(t.emu.store);
    const ctx = context('P2', 'AWS::CodeBuild::Project');
    const base = {
      Name: 'named-project',
      Source: { Type: 'CODEPIPELINE', BuildSpec: 'buildspec-ci.yml' },
      Artifacts: { Type: 'CODEPIPELINE' },
      Environment: { Type: 'LINUX_CONTAINER', Image: 'i', ComputeType: 'BUILD_GENERAL1_SMALL' },
      ServiceRole: 'role',
      TimeoutInMinutes: 20,
    };
    await projects.create(ctx, base);
    const { TimeoutInMinutes: _t, ...noTimeout } = base;
    await projects.update!(ctx, 'named-project', { ...noTimeout, Description: 'now described' }, base);
    const stored = (await cb().send(new BatchGetProjectsCommand({ names: ['named-project'] }))).projects![0];
    expect([stored.timeoutInMinutes, stored.description, stored.created]).toEqual([60, 'now described', new Date(Date.UTC(2026, 2, 1))]);
    expect(await failure(projects.update!(ctx, 'named-project', { ...base, Name: 'renamed' }, base))).toBeInstanceOf(ReplacementRequired);
    const invalid = await failure(projects.create(context('P3', 'AWS::CodeBuild::Project'), { ...base, Name: 'mixed', Artifacts: { Type: 'NO_ARTIFACTS' } }));
    expect(invalid.message).toBe(
      'Resource handler returned message: "Invalid input: when using CodePipeline both sourceType, and artifactType must be set to: CODEPIPELINE" (HandlerErrorCode: InvalidRequest)',
    );
    const badType = await failure(projects.create(context('P4', 'AWS::CodeBuild::Project'), { ...base, Name: 'bad-env', Environment: { ...base.Environment, Type: 'MAINFRAME' } }));
    expect(badType.message).toContain("Value 'MAINFRAME' at 'environment.type' failed to satisfy constraint: Member must satisfy enum value set:");
    await projects.delete(ctx, 'named-project', base);
    expect((await cb().send(new BatchGetProjectsCommand({ names: ['named-project'] }))).projectsNotFound).toEqual(['named-project']);
  });
});
