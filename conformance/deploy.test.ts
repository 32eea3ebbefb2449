// Deploy and Step Functions providers end to end: S3 deploys checked through the S3 API, simulated
// CloudFormation stacks (a real bucket, a simulated queue) in every ActionMode (outputs, output variables, OutputFileName), simulated
// CodeDeploy / ECS / ECS blue-green / Elastic Beanstalk / AppConfig deployments, failures forced by the
// local configuration, and nothing written outside the data folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePipelineCommand, ListActionExecutionsCommand, PutJobSuccessResultCommand, type ActionDeclaration, type ActionExecutionDetail, type ActionTypeId, type StageDeclaration } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { readZip, zipFiles } from '../src/util/zip.js';
import type { StackDocument } from '../src/providers/deploy/cloudformation.js';
import type { DeploymentDocument } from '../src/providers/deploy/simulatedDeploy.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, executionStatus, newestExecutionId, pipelineOf, takeJob, until } from './engineKit.js';

const CONFIG = path.resolve(import.meta.dirname, '../fixtures/deploy/codepipeline-local.yml');
let root: string;
let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let s3: S3Client;
const scope = { account: ACCOUNT, region: 'us-east-1' };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-deploy-'));
  emu = await startEmulator({ inMemory: false, dataDir: path.join(root, 'data'), configFile: CONFIG });
  cp = client(emu.endpoint);
  s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
  await createCustomTypes(cp);
});
afterAll(async () => {
  await emu?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

type Files = Record<string, string>;
const zipOf = (files: Files) => zipFiles(Object.entries(files).map(([p, d]) => ({ path: p, data: Buffer.from(d) })));

/** Creates the pipeline and answers its custom source with `files` (or raw zip bytes); answers the execution id. */
async function run(name: string, stages: StageDeclaration[], files: Files | Buffer): Promise<string> {
  await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, stages) }));
  return feed(name, files);
}

async function feed(name: string, files: Files | Buffer): Promise<string> {
  const job = await takeJob(cp, SOURCE_TYPE, { Repo: name });
  const loc = job.data!.outputArtifacts![0].location!.s3Location!;
  await emu.engine.artifacts.put(ACCOUNT, { bucket: loc.bucketName!, key: loc.objectKey! }, Buffer.isBuffer(files) ? files : zipOf(files));
  await cp.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'rev-1', changeIdentifier: 'rev-1' } }));
  return job.data!.pipelineContext!.pipelineExecutionId!;
}

const finished = (name: string, id: string) => until(() => executionStatus(cp, name, id), (s) => s !== 'InProgress' && s !== 'Stopping', 15_000);

async function detail(pipelineName: string, id: string, action: string): Promise<ActionExecutionDetail> {
  const out = await cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: id } }));
  return out.actionExecutionDetails!.find((d) => d.actionName === action)!;
}

const summaryOf = (d: ActionExecutionDetail) => d.output?.executionResult?.externalExecutionSummary;
const type = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' }) as ActionTypeId;
const action = (name: string, provider: string, configuration: Record<string, string>, extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: type('Deploy', provider),
  configuration,
  inputArtifacts: [{ name: 'SourceOut' }],
  ...extra,
});

async function listKeys(bucket: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

describe('Deploy/S3', () => {
  const site = { 'index.html': '<h1>v1</h1>', 'css/site.css': 'body{}', 'js/app.js': 'console.log(1)' };

  it('extracts every file of the artifact under the ObjectKey prefix, listable with the S3 API', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'website' }));
    const id = await run('s3-extract', [{ name: 'Deploy', actions: [action('Site', 'S3', { BucketName: 'website', Extract: 'true', ObjectKey: 'v1', CacheControl: 'max-age=60', CannedACL: 'public-read' })] }], site);
    expect(await finished('s3-extract', id)).toBe('Succeeded');
    expect(summaryOf(await detail('s3-extract', id, 'Site'))).toBe("Extracted 3 files of the artifact 'SourceOut' to s3://website/v1/");
    expect((await listKeys('website')).sort()).toEqual(['v1/css/site.css', 'v1/index.html', 'v1/js/app.js']);
    const page = await s3.send(new GetObjectCommand({ Bucket: 'website', Key: 'v1/index.html' }));
    expect(await page.Body!.transformToString()).toBe('<h1>v1</h1>');
    expect(page.ContentType).toBe('text/html');
    expect(page.CacheControl).toBe('max-age=60');
  });

  it('stores the zip itself at ObjectKey when Extract is false', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'releases' }));
    const id = await run('s3-zip', [{ name: 'Deploy', actions: [action('Archive', 'S3', { BucketName: 'releases', Extract: 'false', ObjectKey: 'app/release.zip' })] }], site);
    expect(await finished('s3-zip', id)).toBe('Succeeded');
    expect(await listKeys('releases')).toEqual(['app/release.zip']);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'releases', Key: 'app/release.zip' }))).Body!.transformToByteArray();
    expect([...readZip(body).keys()].sort()).toEqual(['css/site.css', 'index.html', 'js/app.js']);
  });

  it('fails when the bucket does not exist, or Extract is false without ObjectKey', async () => {
    const id = await run('s3-errors', [
      {
        name: 'Deploy',
        actions: [action('NoBucket', 'S3', { BucketName: 'never-created', Extract: 'true' }), action('NoKey', 'S3', { BucketName: 'website', Extract: 'false' })],
      },
    ], site);
    expect(await finished('s3-errors', id)).toBe('Failed');
    expect((await detail('s3-errors', id, 'NoBucket')).output!.executionResult!.errorDetails).toEqual({ code: 'JobFailed', message: 'The specified bucket does not exist: never-created' });
    expect((await detail('s3-errors', id, 'NoKey')).output!.executionResult!.errorDetails).toEqual({ code: 'ConfigurationError', message: 'ObjectKey is required when Extract is false' });
  });

  it("commits the extracted files in one transaction of the S3 store (the artifact's own write is the other)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'one-commit' }));
    const ctx = (emu.objects as unknown as { ctx: { tx: <T>(fn: () => T) => T; db: { inTransaction: boolean } } }).ctx;
    let transactions = 0;
    const tx = ctx.tx.bind(ctx);
    ctx.tx = <T>(fn: () => T): T => {
      if (!ctx.db.inTransaction) transactions++;
      return tx(fn);
    };
    try {
      const id = await run('s3-one-commit', [{ name: 'Deploy', actions: [action('Site', 'S3', { BucketName: 'one-commit', Extract: 'true' })] }], site);
      expect(await finished('s3-one-commit', id)).toBe('Succeeded');
      expect(transactions).toBe(2);
    } finally {
      delete (ctx as { tx?: unknown }).tx;
    }
    expect((await listKeys('one-commit')).sort()).toEqual(['css/site.css', 'index.html', 'js/app.js']);
  });

  it('a file the store cannot name fails the action with its key and the S3 error, and no file of the artifact is written', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'long-keys' }));
    const long = `${'d'.repeat(1021)}.txt`; // 1,025 bytes: one more than S3 takes
    const id = await run('s3-long-key', [{ name: 'Deploy', actions: [action('Site', 'S3', { BucketName: 'long-keys', Extract: 'true' })] }], { 'index.html': '<h1>ok</h1>', [long]: 'x' });
    expect(await finished('s3-long-key', id)).toBe('Failed');
    expect((await detail('s3-long-key', id, 'Site')).output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      message: `Could not write s3://long-keys/${long}: KeyTooLongError: Your key is too long`,
    });
    expect(await listKeys('long-keys')).toEqual([]);
  });

  it('refuses zip entries that climb out of the artifact, and writes nothing outside the data folder', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'escape' }));
    const evil = zipFiles([{ path: '../../outside.txt', data: Buffer.from('x') }]);
    const id = await run('s3-escape', [{ name: 'Deploy', actions: [action('Escape', 'S3', { BucketName: 'escape', Extract: 'true' })] }], evil);
    expect(await finished('s3-escape', id)).toBe('Failed');
    expect(summaryOf(await detail('s3-escape', id, 'Escape'))).toBe("The input artifact 'SourceOut' is not a valid zip archive: zip entry '../../outside.txt' escapes the target folder");
    expect(await listKeys('escape')).toEqual([]);
    expect(fs.readdirSync(root)).toEqual(['data']);
    expect(fs.existsSync(path.resolve(root, 'data', '../../outside.txt'))).toBe(false);
  });
});

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
  Version:
    Type: String
    Default: '1'
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'site-\${Env}'
  Queue:
    Type: AWS::SQS::Queue
Outputs:
  BucketName:
    Value: !Ref Bucket
  QueueArn:
    Value: !GetAtt Queue.Arn
    Export:
      Name: !Sub '\${AWS::StackName}-queue'
  Label:
    Value: !Join ['-', [!Ref Env, !Ref Version, !Ref 'AWS::Region']]
  ProdOnly:
    Condition: IsProd
    Value: yes
`;

const cfn = (name: string, configuration: Record<string, string>, extra: Partial<ActionDeclaration> = {}) => action(name, 'CloudFormation', configuration, extra);

function stack(name: string): StackDocument {
  return emu.store.simulated.get<StackDocument>(scope, 'cloudformation-stack', name)!.document;
}

describe('Deploy/CloudFormation', () => {
  it('CREATE_UPDATE creates the stack: parameters from TemplateConfiguration and ParameterOverrides, outputs as variables and in OutputFileName', async () => {
    const files = {
      'template.yml': TEMPLATE,
      'config.json': JSON.stringify({ Parameters: { Env: 'test', Version: '7' }, Tags: { team: 'web' } }),
      'build.json': JSON.stringify({ version: '42' }),
    };
    const id = await run('cfn-create', [
      {
        name: 'Deploy',
        actions: [
          cfn(
            'Stack',
            {
              ActionMode: 'CREATE_UPDATE',
              StackName: 'web',
              TemplatePath: 'SourceOut::template.yml',
              TemplateConfiguration: 'SourceOut::config.json',
              ParameterOverrides: JSON.stringify({ Version: { 'Fn::GetParam': ['SourceOut', 'build.json', 'version'] } }),
              OutputFileName: 'outputs.json',
              RoleArn: `arn:aws:iam::${ACCOUNT}:role/cfn`,
            },
            { outputArtifacts: [{ name: 'StackOut' }], namespace: 'Web' },
          ),
        ],
      },
    ], files);
    expect(await finished('cfn-create', id)).toBe('Succeeded');
    const s = stack('web');
    const outputs = { BucketName: 'site-test', QueueArn: expect.stringMatching(/^arn:aws:sqs:us-east-1:123456789012:web-Queue-[0-9A-F]{12}$/), Label: 'test-42-us-east-1' };
    expect(s).toMatchObject({ stackName: 'web', status: 'CREATE_COMPLETE', parameters: { Env: 'test', Version: '42' }, tags: { team: 'web' }, outputs, roleArn: `arn:aws:iam::${ACCOUNT}:role/cfn` });
    expect(s.exports).toEqual({ 'web-queue': s.outputs.QueueArn });
    expect(s.events.filter((e) => e.logicalResourceId === 'web').map((e) => e.resourceStatus)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(s.resources.map((r) => [r.logicalId, r.type])).toEqual([['Bucket', 'AWS::S3::Bucket'], ['Queue', 'AWS::SQS::Queue']]);
    const d = await detail('cfn-create', id, 'Stack');
    expect(d.output!.outputVariables).toEqual(s.outputs);
    expect(d.output!.executionResult!.externalExecutionId).toBe(s.stackId);
    expect(summaryOf(d)).toBe('Created the stack web (1 resource provisioned, 1 simulated)');
    const loc = d.output!.outputArtifacts![0].s3location!;
    const zip = readZip((await emu.engine.artifacts.get({ bucket: loc.bucket!, key: loc.key! }))!);
    expect([...zip.keys()]).toEqual(['outputs.json']);
    expect(JSON.parse(Buffer.from(zip.get('outputs.json')!).toString())).toEqual(s.outputs);
  });

  it('CREATE_UPDATE updates an existing stack, and reports when there is nothing to update', async () => {
    const stages = (env: string) => [{ name: 'Deploy', actions: [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'updatable', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: JSON.stringify({ Env: env }) })] }];
    let id = await run('cfn-update', stages('a'), { 't.yml': TEMPLATE });
    expect(await finished('cfn-update', id)).toBe('Succeeded');
    const created = stack('updatable');
    await cp.send(new (await import('@aws-sdk/client-codepipeline')).UpdatePipelineCommand({ pipeline: pipelineOf('cfn-update', stages('prod')) }));
    id = await (async () => {
      await cp.send(new (await import('@aws-sdk/client-codepipeline')).StartPipelineExecutionCommand({ name: 'cfn-update' }));
      return feed('cfn-update', { 't.yml': TEMPLATE });
    })();
    expect(await finished('cfn-update', id)).toBe('Succeeded');
    const updated = stack('updatable');
    expect(updated.stackId).toBe(created.stackId);
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', parameters: { Env: 'prod', Version: '1' }, outputs: { BucketName: 'site-prod', ProdOnly: 'yes' } });
    await cp.send(new (await import('@aws-sdk/client-codepipeline')).StartPipelineExecutionCommand({ name: 'cfn-update' }));
    id = await feed('cfn-update', { 't.yml': TEMPLATE });
    expect(await finished('cfn-update', id)).toBe('Succeeded');
    expect(summaryOf(await detail('cfn-update', id, 'Stack'))).toBe('No updates are to be performed on the stack updatable');
  });

  it('a simulated failure rolls a new stack back; CREATE_UPDATE then refuses it and REPLACE_ON_FAILURE replaces it', async () => {
    const id = await run('cfn-replace', [
      { name: 'Deploy', actions: [cfn('FailingStack', { ActionMode: 'CREATE_UPDATE', StackName: 'fragile', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"x"}' })] },
    ], { 't.yml': TEMPLATE });
    expect(await finished('cfn-replace', id)).toBe('Failed');
    const failed = stack('fragile');
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(summaryOf(await detail('cfn-replace', id, 'FailingStack'))).toBe('Stack fragile failed: ROLLBACK_COMPLETE (simulated failure: simulate.failDeployments names this action)');

    const id2 = await run('cfn-replace-2', [
      {
        name: 'Deploy',
        actions: [
          cfn('Update', { ActionMode: 'CREATE_UPDATE', StackName: 'fragile', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"x"}' }),
          cfn('Replace', { ActionMode: 'REPLACE_ON_FAILURE', StackName: 'fragile', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"x"}' }, { runOrder: 2 }),
        ],
      },
    ], { 't.yml': TEMPLATE });
    expect(await finished('cfn-replace-2', id2)).toBe('Failed');
    expect(summaryOf(await detail('cfn-replace-2', id2, 'Update'))).toBe(`Stack:${failed.stackId} is in ROLLBACK_COMPLETE state and can not be updated.`);
    expect(await detail('cfn-replace-2', id2, 'Replace')).toBeUndefined();

    const id3 = await run('cfn-replace-3', [
      { name: 'Deploy', actions: [cfn('Replace', { ActionMode: 'REPLACE_ON_FAILURE', StackName: 'fragile', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"x"}' })] },
    ], { 't.yml': TEMPLATE });
    expect(await finished('cfn-replace-3', id3)).toBe('Succeeded');
    const replaced = stack('fragile');
    expect(replaced.status).toBe('CREATE_COMPLETE');
    expect(replaced.stackId).not.toBe(failed.stackId);
    expect(summaryOf(await detail('cfn-replace-3', id3, 'Replace'))).toBe('Replaced the failed stack fragile (1 resource provisioned, 1 simulated)');
  });

  it('CHANGE_SET_REPLACE prepares a change set and CHANGE_SET_EXECUTE applies it', async () => {
    const id = await run('cfn-changeset', [
      {
        name: 'Deploy',
        actions: [
          cfn('Prepare', { ActionMode: 'CHANGE_SET_REPLACE', StackName: 'staged', ChangeSetName: 'next', TemplatePath: 'SourceOut::t.json', Capabilities: 'CAPABILITY_IAM' }),
          cfn('Execute', { ActionMode: 'CHANGE_SET_EXECUTE', StackName: 'staged', ChangeSetName: 'next', OutputFileName: 'out.json' }, { runOrder: 2, inputArtifacts: [], outputArtifacts: [{ name: 'ExecOut' }] }),
        ],
      },
    ], {
      't.json': JSON.stringify({
        Resources: { Role: { Type: 'AWS::IAM::Role', Properties: {} }, Topic: { Type: 'AWS::SNS::Topic' } },
        Outputs: { TopicName: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } }, Literal: { Value: 'fixed' } },
      }),
    });
    expect(await finished('cfn-changeset', id)).toBe('Succeeded');
    const prepare = await detail('cfn-changeset', id, 'Prepare');
    expect(summaryOf(prepare)).toBe('Created the change set next of the stack staged with 2 changes');
    expect(prepare.output!.executionResult!.externalExecutionId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/next\/[0-9a-f-]{36}$/);
    expect(prepare.output!.outputVariables).toEqual({});
    const s = stack('staged');
    expect(s.status).toBe('CREATE_COMPLETE');
    expect(s.changeSets).toEqual({});
    expect(s.outputs).toEqual({ TopicName: expect.stringMatching(/^staged-Topic-[0-9A-F]{12}$/), Literal: 'fixed' });
    const exec = await detail('cfn-changeset', id, 'Execute');
    expect(exec.output!.outputVariables).toEqual(s.outputs);
    const loc = exec.output!.outputArtifacts![0].s3location!;
    expect(JSON.parse(Buffer.from(readZip((await emu.engine.artifacts.get({ bucket: loc.bucket!, key: loc.key! }))!).get('out.json')!).toString())).toEqual(s.outputs);
  });

  it('DELETE_ONLY deletes a stack, and succeeds when there is none', async () => {
    const id = await run('cfn-delete', [
      {
        name: 'Deploy',
        actions: [
          cfn('Create', { ActionMode: 'CREATE_UPDATE', StackName: 'doomed', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"d"}' }),
          cfn('Delete', { ActionMode: 'DELETE_ONLY', StackName: 'doomed' }, { runOrder: 2 }),
          cfn('DeleteAgain', { ActionMode: 'DELETE_ONLY', StackName: 'doomed' }, { runOrder: 3 }),
        ],
      },
    ], { 't.yml': TEMPLATE });
    expect(await finished('cfn-delete', id)).toBe('Succeeded');
    expect(stack('doomed').status).toBe('DELETE_COMPLETE');
    expect(summaryOf(await detail('cfn-delete', id, 'Delete'))).toBe('Deleted the stack doomed');
    expect(summaryOf(await detail('cfn-delete', id, 'DeleteAgain'))).toBe('Stack doomed does not exist; nothing to delete');
  });

  it('fails on a missing template file, malformed JSON, a missing parameter and missing capabilities', async () => {
    const id = await run('cfn-bad', [
      {
        name: 'Deploy',
        actions: [
          cfn('Missing', { ActionMode: 'CREATE_UPDATE', StackName: 'bad1', TemplatePath: 'SourceOut::nope.yml' }),
          cfn('Malformed', { ActionMode: 'CREATE_UPDATE', StackName: 'bad2', TemplatePath: 'SourceOut::broken.json' }),
          cfn('NoParam', { ActionMode: 'CREATE_UPDATE', StackName: 'bad3', TemplatePath: 'SourceOut::t.yml' }),
          cfn('NoCaps', { ActionMode: 'CREATE_UPDATE', StackName: 'bad4', TemplatePath: 'SourceOut::iam.json' }),
        ],
      },
    ], { 't.yml': TEMPLATE, 'broken.json': '{"Resources": ', 'iam.json': JSON.stringify({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x' } } } }) });
    expect(await finished('cfn-bad', id)).toBe('Failed');
    expect(summaryOf(await detail('cfn-bad', id, 'Missing'))).toBe("The file 'nope.yml' does not exist in the input artifact 'SourceOut'");
    expect(summaryOf(await detail('cfn-bad', id, 'Malformed'))).toBe('Template format error: JSON not well-formed.');
    expect(summaryOf(await detail('cfn-bad', id, 'NoParam'))).toBe('Parameters: [Env] must have values');
    expect(summaryOf(await detail('cfn-bad', id, 'NoCaps'))).toBe('Requires capabilities : [CAPABILITY_NAMED_IAM]');
    for (const name of ['bad1', 'bad2', 'bad3', 'bad4']) expect(emu.store.simulated.get(scope, 'cloudformation-stack', name)).toBeUndefined();
  });
});

describe('simulated deployments', () => {
  const files = {
    'appspec.yml': 'version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n',
    'imagedefinitions.json': JSON.stringify([{ name: 'web', imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3' }]),
    'taskdef.json': JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: '<IMAGE1_NAME>' }] }),
    'appspec.yaml':
      'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo:\n          ContainerName: web\n          ContainerPort: 80\n',
    'imageDetail.json': JSON.stringify({ ImageURI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abc' }),
    'config/app.json': '{"feature": true}',
  };

  it('records CodeDeploy, ECS, ECS blue/green, Elastic Beanstalk and AppConfig deployments that succeed', async () => {
    const id = await run('simulated', [
      {
        name: 'Deploy',
        actions: [
          action('CodeDeploy', 'CodeDeploy', { ApplicationName: 'app', DeploymentGroupName: 'prod' }),
          action('Ecs', 'ECS', { ClusterName: 'main', ServiceName: 'web' }),
          action('BlueGreen', 'CodeDeployToECS', {
            ApplicationName: 'app',
            DeploymentGroupName: 'bg',
            TaskDefinitionTemplateArtifact: 'SourceOut',
            AppSpecTemplateArtifact: 'SourceOut',
            Image1ArtifactName: 'SourceOut',
          }),
          action('Beanstalk', 'ElasticBeanstalk', { ApplicationName: 'app', EnvironmentName: 'app-prod' }),
          action('AppConfig', 'AppConfig', {
            Application: 'abc1234',
            Environment: 'env5678',
            ConfigurationProfile: 'prof9012',
            InputArtifactConfigurationPath: 'config/app.json',
            DeploymentStrategy: 'AppConfig.AllAtOnce',
          }),
        ],
      },
    ], files);
    expect(await finished('simulated', id)).toBe('Succeeded');
    const codeDeploy = await detail('simulated', id, 'CodeDeploy');
    const deploymentId = codeDeploy.output!.executionResult!.externalExecutionId!;
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(summaryOf(codeDeploy)).toBe(`Simulated CodeDeploy deployment ${deploymentId} to the deployment group prod of the application app succeeded (no AWS resources were changed)`);
    expect((await detail('simulated', id, 'Ecs')).output!.executionResult!.externalExecutionId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(summaryOf(await detail('simulated', id, 'AppConfig'))).toBe(
      'Simulated AppConfig deployment abc1234/env5678/1 to the environment env5678 of the application abc1234 (profile prof9012, strategy AppConfig.AllAtOnce) succeeded (no AWS resources were changed)',
    );
    const records = emu.store.simulated.list<DeploymentDocument>(scope, 'deployment').filter((r) => r.document.pipeline === 'simulated');
    expect(records.map((r) => r.document.provider).sort()).toEqual(['AppConfig', 'CodeDeploy', 'CodeDeployToECS', 'ECS', 'ElasticBeanstalk']);
    const bg = records.find((r) => r.document.provider === 'CodeDeployToECS')!.document;
    expect(bg.status).toBe('Succeeded');
    expect(bg.details.taskDefinition).toEqual({ family: 'web', containerDefinitions: [{ name: 'web', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abc' }] });
    expect(records.find((r) => r.document.provider === 'ECS')!.document.details.images).toEqual([{ name: 'web', imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3' }]);
  });

  it('fails a deployment the local configuration names, and one whose artifact the service could not read', async () => {
    const id = await run('simulated-fail', [
      {
        name: 'Deploy',
        actions: [
          action('FailingDeploy', 'CodeDeploy', { ApplicationName: 'app', DeploymentGroupName: 'prod' }),
          action('BadImages', 'ECS', { ClusterName: 'main', ServiceName: 'web', FileName: 'images.json' }),
        ],
      },
    ], { ...files, 'images.json': '{"name": "web"}' });
    expect(await finished('simulated-fail', id)).toBe('Failed');
    const failing = await detail('simulated-fail', id, 'FailingDeploy');
    const deploymentId = failing.output!.executionResult!.externalExecutionId!;
    expect(summaryOf(failing)).toBe(`CodeDeploy deployment ${deploymentId} to the deployment group prod of the application app failed (simulated failure: simulate.failDeployments names this action)`);
    expect(emu.store.simulated.get<DeploymentDocument>(scope, 'deployment', deploymentId)!.document.status).toBe('Failed');
    expect(summaryOf(await detail('simulated-fail', id, 'BadImages'))).toBe(
      'The image definitions file images.json must be a non-empty JSON array of {"name": container, "imageUri": image}',
    );
  });
});

describe('Invoke/StepFunctions (simulated)', () => {
  it('records an execution named after the action execution id, with StateMachineArn and ExecutionArn as output variables', async () => {
    const arn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Release`;
    const id = await run('sfn', [
      {
        name: 'Invoke',
        actions: [
          {
            name: 'Machine',
            actionTypeId: type('Invoke', 'StepFunctions'),
            configuration: { StateMachineArn: arn, ExecutionNamePrefix: 'release', InputType: 'FilePath', Input: 'input.json' },
            inputArtifacts: [{ name: 'SourceOut' }],
            outputArtifacts: [{ name: 'SfnOut' }],
          },
        ],
      },
    ], { 'input.json': '{"version": "1.2.3"}' });
    expect(await finished('sfn', id)).toBe('Succeeded');
    const d = await detail('sfn', id, 'Machine');
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:Release:release-${d.actionExecutionId}`;
    expect(d.output!.outputVariables).toEqual({ StateMachineArn: arn, ExecutionArn: executionArn });
    expect(d.output!.executionResult!.externalExecutionId).toBe(executionArn);
    expect(emu.store.simulated.get(scope, 'stepfunctions-execution', executionArn)!.document).toMatchObject({ status: 'SUCCEEDED', input: '{"version": "1.2.3"}', output: '{"version": "1.2.3"}' });
  });
});
