// Stacks create real resources: a pipeline's Deploy/CloudFormation action deploys a template holding
// an S3 bucket, a CodeCommit repository (first commit from Code.S3), a CodePipeline pipeline reading
// that repository and a simulated IAM role; the new pipeline exists for GetPipeline and runs its
// CodeCommit source, the bucket for S3. A bucket with objects fails the delete (DELETE_FAILED), an
// empty one goes; a resource that fails rolls the stack back and removes what was created.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListActionTypesCommand,
  ListTagsForResourceCommand,
  ListWebhooksCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
  type ActionExecutionDetail,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import type { StackDocument } from '../src/stacks/documents.js';
import { zipFiles } from '../src/util/zip.js';
import { git } from '../src/git/git.js';
import { ACCOUNT, client, expectAwsError, startEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, executionStatus, newestExecutionId, pipelineOf, takeJob, until } from './engineKit.js';

let root: string;
let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let s3: S3Client;
const scope = { account: ACCOUNT, region: 'us-east-1' };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-stack-resources-'));
  emu = await startEmulator({ inMemory: false, dataDir: path.join(root, 'data') });
  cp = client(emu.endpoint);
  s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
  await createCustomTypes(cp);
  await s3.send(new CreateBucketCommand({ Bucket: 'seed' }));
  await s3.send(new PutObjectCommand({ Bucket: 'seed', Key: 'app.zip', Body: zipFiles([{ path: 'README.md', data: Buffer.from('# app\n') }, { path: 'src/index.js', data: Buffer.from('1') }]) }));
  await s3.send(new CreateBucketCommand({ Bucket: 'stack-artifacts' }));
});
afterAll(async () => {
  await emu?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const zipOf = (files: Record<string, string>) => zipFiles(Object.entries(files).map(([p, d]) => ({ path: p, data: Buffer.from(d) })));

/** Runs (or re-runs) the deploying pipeline `name` with a custom source answering `files`; resolves with the execution's final status. */
async function deploy(name: string, actions: ActionDeclaration[], files: Record<string, string>): Promise<string> {
  try {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Deploy', actions }]) }));
  } catch {
    await cp.send(new StartPipelineExecutionCommand({ name }));
  }
  const job = await takeJob(cp, SOURCE_TYPE, { Repo: name });
  const loc = job.data!.outputArtifacts![0].location!.s3Location!;
  await emu.engine.artifacts.put(ACCOUNT, { bucket: loc.bucketName!, key: loc.objectKey! }, zipOf(files));
  await cp.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'r', changeIdentifier: 'r' } }));
  const id = job.data!.pipelineContext!.pipelineExecutionId!;
  return until(() => executionStatus(cp, name, id), (s) => s !== 'InProgress', 20_000);
}

const cfn = (name: string, configuration: Record<string, string>): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
  configuration: { TemplatePath: 'SourceOut::t.yml', Capabilities: 'CAPABILITY_IAM', ...configuration },
  inputArtifacts: [{ name: 'SourceOut' }],
});

async function actionDetail(pipelineName: string, action: string): Promise<ActionExecutionDetail> {
  const out = await cp.send(new ListActionExecutionsCommand({ pipelineName }));
  return out.actionExecutionDetails!.find((d) => d.actionName === action)!;
}

const stack = (name: string) => emu.store.simulated.get<StackDocument>(scope, 'cloudformation-stack', name)!.document;
const bucketNames = async () => ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: a pipeline, its repository and a bucket
Resources:
  Site:
    Type: AWS::S3::Bucket
  Repo:
    Type: AWS::CodeCommit::Repository
    Properties:
      RepositoryName: stack-app
      Code:
        BranchName: main
        S3: {Bucket: seed, Key: app.zip}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: codepipeline.amazonaws.com}, Action: 'sts:AssumeRole'}]}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: !Sub '\${AWS::StackName}-pipeline'
      RoleArn: !GetAtt Role.Arn
      PipelineType: V2
      ArtifactStore: {Type: S3, Location: stack-artifacts}
      Variables: [{Name: Site, DefaultValue: !Ref Site}]
      Tags: [{Key: team, Value: web}]
      Stages:
        - Name: Source
          Actions:
            - Name: Checkout
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1'}
              Configuration: {RepositoryName: !GetAtt Repo.Name, BranchName: main, PollForSourceChanges: false}
              OutputArtifacts: [{Name: Src}]
        - Name: Approve
          Actions:
            - Name: Gate
              ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: '1'}
Outputs:
  BucketArn: {Value: !GetAtt Site.Arn}
  BucketDomain: {Value: !GetAtt Site.RegionalDomainName}
  CloneUrl: {Value: !GetAtt Repo.CloneUrlHttp}
  PipelineVersion: {Value: !GetAtt Pipeline.Version}
  PipelineName: {Value: !Ref Pipeline}
`;

describe('a stack of real resources', () => {
  let bucket: string;

  it('creates the bucket, the repository and the pipeline; the pipeline runs its CodeCommit source', async () => {
    const created = await deploy('deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'App-Stack' })], { 't.yml': TEMPLATE });
    expect([created, (await actionDetail('deployer', 'Stack')).output?.executionResult?.externalExecutionSummary]).toEqual(['Succeeded', 'Created the stack App-Stack (3 resources provisioned, 1 simulated)']);
    const s = stack('App-Stack');
    expect(s.status).toBe('CREATE_COMPLETE');
    expect(s.description).toBe('a pipeline, its repository and a bucket');
    bucket = s.resources.find((r) => r.logicalId === 'Site')!.physicalId;
    // Generated as CloudFormation generates it: lowercase stack-logicalid-suffix.
    expect(bucket).toMatch(/^app-stack-site-[a-z0-9]{12}$/);
    expect(s.resources.map((r) => [r.logicalId, r.simulated])).toEqual([['Site', false], ['Repo', false], ['Role', true], ['Pipeline', false]]);
    expect(s.outputs).toEqual({
      BucketArn: `arn:aws:s3:::${bucket}`,
      BucketDomain: `${bucket}.s3.us-east-1.amazonaws.com`,
      CloneUrl: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/stack-app',
      PipelineVersion: '1',
      PipelineName: 'App-Stack-pipeline',
    });

    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const p = (await cp.send(new GetPipelineCommand({ name: 'App-Stack-pipeline' }))).pipeline!;
    expect(p.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${s.resources[2].physicalId}`);
    expect(p.pipelineType).toBe('V2');
    expect(p.variables).toEqual([{ name: 'Site', defaultValue: bucket }]);
    expect(p.stages![0].actions![0].configuration).toEqual({ RepositoryName: 'stack-app', BranchName: 'main', PollForSourceChanges: 'false' });

    const repo = path.join(root, 'data', 'git', 'stack-app');
    expect((await git(repo, ['show', 'main:README.md'])).toString()).toBe('# app\n');
    // CreatePipeline started the new pipeline: its source reads the repository the stack made.
    const run = await newestExecutionId(cp, 'App-Stack-pipeline');
    await until(async () => (await actionDetail('App-Stack-pipeline', 'Checkout'))?.status, (x) => x === 'Succeeded' || x === 'Failed', 20_000);
    const checkout = await actionDetail('App-Stack-pipeline', 'Checkout');
    expect([checkout.status, checkout.pipelineExecutionId]).toEqual(['Succeeded', run]);
  });

  it('a bucket that holds objects fails the delete (DELETE_FAILED); once empty, delete removes everything', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: 'x' }));
    expect(await deploy('deleter', [cfn('Delete', { ActionMode: 'DELETE_ONLY', StackName: 'App-Stack' })], { 't.yml': TEMPLATE })).toBe('Failed');
    let s = stack('App-Stack');
    expect([s.status, s.statusReason]).toEqual(['DELETE_FAILED', 'The following resource(s) failed to delete: [Site]. ']);
    expect(s.events.find((e) => e.logicalResourceId === 'Site' && e.resourceStatus === 'DELETE_FAILED')!.resourceStatusReason).toMatch(/^The bucket you tried to delete is not empty/);
    // The pipeline (which uses nothing of the bucket) went; the bucket stays.
    await expectAwsError(cp.send(new GetPipelineCommand({ name: 'App-Stack-pipeline' })), 'PipelineNotFoundException');
    expect(await bucketNames()).toContain(bucket);

    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'index.html' }));
    expect(await deploy('deleter', [cfn('Delete', { ActionMode: 'DELETE_ONLY', StackName: 'App-Stack' })], { 't.yml': TEMPLATE })).toBe('Succeeded');
    s = stack('App-Stack');
    expect(s.status).toBe('DELETE_COMPLETE');
    expect(await bucketNames()).not.toContain(bucket);
    expect(fs.existsSync(path.join(root, 'data', 'git', 'stack-app'))).toBe(false);
  });

  it('a resource that fails rolls the stack back and removes what was created', async () => {
    const bad = `Resources:
  Site: {Type: AWS::S3::Bucket, Properties: {BucketName: rollback-site}}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/x'
      ArtifactStore: {Type: S3, Location: !Ref Site}
      Stages:
        - Name: Only
          Actions:
            - Name: Gate
              ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: '1'}
`;
    expect(await deploy('failer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'broken' })], { 't.yml': bad })).toBe('Failed');
    const s = stack('broken');
    expect([s.status, s.statusReason, s.resources]).toEqual(['ROLLBACK_COMPLETE', 'The following resource(s) failed to create: [Pipeline]. Rollback requested by user.', []]);
    const failed = s.events.find((e) => e.resourceStatus === 'CREATE_FAILED')!;
    expect(failed.logicalResourceId).toBe('Pipeline');
    expect(failed.resourceStatusReason).toMatch(/\(Service: CodePipeline, Status Code: 400, Error Code: InvalidStructureException\)$/);
    expect(s.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`).slice(-4)).toEqual(['broken ROLLBACK_IN_PROGRESS', 'Site DELETE_IN_PROGRESS', 'Site DELETE_COMPLETE', 'broken ROLLBACK_COMPLETE']);
    expect(await bucketNames()).not.toContain('rollback-site');
    expect((await actionDetail('failer', 'Stack')).output!.executionResult!.externalExecutionSummary).toBe(`Stack broken failed: ROLLBACK_COMPLETE (Pipeline: ${failed.resourceStatusReason})`);
  });

  it('an Events rule with a CodeCommit pattern and the pipeline as target starts it on a push (CloudWatchEvent, the rule ARN)', async () => {
    const t = `Resources:
  Repo: {Type: AWS::CodeCommit::Repository, Properties: {RepositoryName: ruled-app, Code: {S3: {Bucket: seed, Key: app.zip}}}}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/p'
      ArtifactStore: {Type: S3, Location: stack-artifacts}
      Stages:
        - Name: Source
          Actions:
            - Name: Checkout
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1'}
              Configuration: {RepositoryName: !GetAtt Repo.Name, BranchName: main, PollForSourceChanges: false}
              OutputArtifacts: [{Name: Src}]
        - Name: Approve
          Actions:
            - Name: Gate
              ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: '1'}
  OnPush:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.codecommit]
        resources: [!GetAtt Repo.Arn]
        detail-type: [CodeCommit Repository State Change]
        detail: {event: [referenceCreated, referenceUpdated], referenceName: [main]}
      Targets: [{Arn: !Sub 'arn:aws:codepipeline:\${AWS::Region}:\${AWS::AccountId}:\${Pipeline}', Id: Target0}]
`;
    expect(await deploy('rule-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'ruled' })], { 't.yml': t })).toBe('Succeeded');
    const s = stack('ruled');
    const pipeline = s.resources.find((r) => r.logicalId === 'Pipeline')!.physicalId;
    const rule = s.resources.find((r) => r.logicalId === 'OnPush')!;
    expect(pipeline).toMatch(/^ruled-Pipeline-[A-Z0-9]{12}$/);
    expect(rule.attributes).toEqual({ Arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${rule.physicalId}` });
    const first = await newestExecutionId(cp, pipeline);
    const repo = path.join(root, 'data', 'git', 'ruled-app');
    fs.writeFileSync(path.join(repo, 'change.txt'), 'x');
    await git(repo, ['add', '-A']);
    await git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'change']);
    const pushed = await until(
      async () => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline }))).pipelineExecutionSummaries!,
      (list) => list.some((e) => e.pipelineExecutionId !== first),
      20_000,
    );
    expect(pushed.find((e) => e.pipelineExecutionId !== first)!.trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: rule.attributes!.Arn });
  });

  it('inline Node.js and Python functions run as the Lambda actions of the pipeline the same stack creates', async () => {
    const node = [
      "const { CodePipelineClient, PutJobSuccessResultCommand } = require('@aws-sdk/client-codepipeline');",
      'exports.main = async (event, context) => {',
      "  await new CodePipelineClient({}).send(new PutJobSuccessResultCommand({ jobId: event['CodePipeline.job'].id, outputVariables: { from: 'node', name: context.functionName } }));",
      '};',
    ].join('\n');
    const python = [
      'import os',
      'import boto3',
      'def handler(event, context):',
      "    boto3.client('codepipeline').put_job_success_result(jobId=event['CodePipeline.job']['id'], outputVariables={'from': os.environ['GREETING'], 'name': context.function_name})",
    ].join('\n');
    const indent = (code: string) => code.split('\n').map((l) => `          ${l}`).join('\n');
    const t = `Resources:
  Repo: {Type: AWS::CodeCommit::Repository, Properties: {RepositoryName: fn-app, Code: {S3: {Bucket: seed, Key: app.zip}}}}
  NodeFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.main
      Role: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/fn'
      Code:
        ZipFile: |
${indent(node)}
  PyFn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: py-step
      Environment: {Variables: {GREETING: python}}
      Runtime: python3.12
      Handler: index.handler
      Role: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/fn'
      Code:
        ZipFile: |
${indent(python)}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: fn-pipeline
      RoleArn: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/p'
      ArtifactStore: {Type: S3, Location: stack-artifacts}
      Stages:
        - Name: Source
          Actions:
            - Name: Checkout
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1'}
              Configuration: {RepositoryName: !GetAtt Repo.Name, BranchName: main}
              OutputArtifacts: [{Name: Src}]
        - Name: Invoke
          Actions:
            - Name: Node
              Namespace: NodeVars
              ActionTypeId: {Category: Invoke, Owner: AWS, Provider: Lambda, Version: '1'}
              Configuration: {FunctionName: !Ref NodeFn}
            - Name: Python
              Namespace: PyVars
              ActionTypeId: {Category: Invoke, Owner: AWS, Provider: Lambda, Version: '1'}
              Configuration: {FunctionName: !GetAtt PyFn.Arn}
`;
    expect(await deploy('fn-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'fns' })], { 't.yml': t })).toBe('Succeeded');
    const nodeName = stack('fns').resources.find((r) => r.logicalId === 'NodeFn')!.physicalId;
    const run = await newestExecutionId(cp, 'fn-pipeline');
    expect(await until(() => executionStatus(cp, 'fn-pipeline', run), (x) => x !== 'InProgress', 30_000)).toBe('Succeeded');
    expect((await actionDetail('fn-pipeline', 'Node')).output!.outputVariables).toEqual({ from: 'node', name: nodeName });
    expect((await actionDetail('fn-pipeline', 'Python')).output!.outputVariables).toEqual({ from: 'python', name: 'py-step' });
  });

  it('an update changes the pipeline in place (stages, tags, disabled transitions) and restarts it; a failing update rolls back', async () => {
    const template = (extra: string, approveActions: string, transitions: string, team: string, stages = true) => `Resources:
  Repo: {Type: AWS::CodeCommit::Repository, Properties: {RepositoryName: upd-app, Code: {S3: {Bucket: seed, Key: app.zip}}}}
  Connection: {Type: AWS::CodeStarConnections::Connection, Properties: {ConnectionName: gh, ProviderType: GitHub}}
  BuildType:
    Type: AWS::CodePipeline::CustomActionType
    Properties:
      Category: Build
      Provider: StackBuild
      Version: '1'
      InputArtifactDetails: {MinimumCount: 0, MaximumCount: 1}
      OutputArtifactDetails: {MinimumCount: 0, MaximumCount: 1}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: upd-pipeline
      RoleArn: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/p'
      RestartExecutionOnUpdate: true
      ArtifactStore: {Type: S3, Location: stack-artifacts}
      Tags: [{Key: team, Value: ${team}}]
${transitions}
      Stages:
        - Name: Source
          Actions:
            - Name: Checkout
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1'}
              Configuration: {RepositoryName: !GetAtt Repo.Name, BranchName: main}
              OutputArtifacts: [{Name: Src}]
${stages ? `        - Name: Approve
          Actions:
${approveActions}` : ''}
  Hook:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: GITHUB_HMAC
      AuthenticationConfiguration: {SecretToken: s3cret}
      Filters: [{JsonPath: $.ref, MatchEquals: 'refs/heads/{Branch}'}]
      TargetPipeline: !Ref Pipeline
      TargetAction: Checkout
      TargetPipelineVersion: !GetAtt Pipeline.Version
Outputs:
  Version: {Value: !GetAtt Pipeline.Version}
  Connection: {Value: !GetAtt Connection.ConnectionArn}
  HookUrl: {Value: !GetAtt Hook.Url}
  TypeId: {Value: !GetAtt BuildType.Id}
${extra}`;
    const gate = (name: string) => `            - Name: ${name}\n              ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: '1'}\n`;
    const v1 = template('', gate('Gate'), '', 'a');
    expect(await deploy('upd-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'upd' })], { 't.yml': v1 })).toBe('Succeeded');
    expect(stack('upd').outputs).toEqual({
      Version: '1',
      Connection: expect.stringMatching(/^arn:aws:codestar-connections:us-east-1:123456789012:connection\/[0-9a-f-]{36}$/),
      TypeId: 'Build|StackBuild|1',
      HookUrl: expect.stringMatching(new RegExp(`^${emu.endpoint}/webhooks/trigger\\?t=[A-Za-z0-9_-]{43}&v=1$`)),
    });
    const hooks = (await cp.send(new ListWebhooksCommand({}))).webhooks!.filter((w) => w.definition!.targetPipeline === 'upd-pipeline');
    expect(hooks.map((w) => [w.definition!.authentication, w.definition!.filters, w.url])).toEqual([['GITHUB_HMAC', [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }], stack('upd').outputs.HookUrl]]);
    const types = (await cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes!.map((t) => t.id!.provider);
    expect(types).toContain('StackBuild');
    const before = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'upd-pipeline' }))).pipelineExecutionSummaries!.length;

    const v2 = template('', gate('Gate') + gate('Second'), '      DisableInboundStageTransitions: [{StageName: Approve, Reason: frozen}]', 'b');
    expect(await deploy('upd-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'upd' })], { 't.yml': v2 })).toBe('Succeeded');
    const s = stack('upd');
    expect([s.status, s.outputs.Version]).toEqual(['UPDATE_COMPLETE', '2']);
    // Updated in place: no replacement of the pipeline, nothing else touched.
    expect(s.events.filter((e) => e.logicalResourceId === 'Pipeline').map((e) => e.resourceStatus)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(s.events.some((e) => e.logicalResourceId === 'Repo' && e.resourceStatus.startsWith('UPDATE'))).toBe(false);
    const p = (await cp.send(new GetPipelineCommand({ name: 'upd-pipeline' }))).pipeline!;
    expect([p.version, p.stages![1].actions!.map((a) => a.name)]).toEqual([2, ['Gate', 'Second']]);
    const arn = `arn:aws:codepipeline:us-east-1:${ACCOUNT}:upd-pipeline`;
    expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'team', value: 'b' }]);
    const state = await cp.send(new GetPipelineStateCommand({ name: 'upd-pipeline' }));
    expect(state.stageStates![1].inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'frozen' });
    const runs = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'upd-pipeline' }))).pipelineExecutionSummaries!;
    expect(runs.length).toBe(before + 1);
    expect(runs[0].trigger!.triggerType).toBe('StartPipelineExecution');

    const v3 = template('', '', '', 'c', false);
    expect(await deploy('upd-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'upd' })], { 't.yml': v3 })).toBe('Failed');
    const rolled = stack('upd');
    expect([rolled.status, rolled.templateBody, rolled.outputs.Version]).toEqual(['UPDATE_ROLLBACK_COMPLETE', v2, '2']);
    expect(rolled.events.find((e) => e.resourceStatus === 'UPDATE_FAILED')!.logicalResourceId).toBe('Pipeline');
    expect((await cp.send(new GetPipelineCommand({ name: 'upd-pipeline' }))).pipeline!.stages!.length).toBe(2);
  });

  it('a CDK pipeline stack as aws-cdk-lib synthesizes it deploys unchanged; a commit runs its pipeline through the Events rule', async () => {
    const template = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/stacks/cdk-pipeline.template.json'), 'utf8');
    const created = await deploy('cdk-deployer', [cfn('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'CdkPipelineStack' })], { 't.yml': template });
    expect([created, (await actionDetail('cdk-deployer', 'Stack')).output!.executionResult!.externalExecutionSummary]).toEqual([
      'Succeeded',
      'Created the stack CdkPipelineStack (5 resources provisioned, 14 simulated)',
    ]);
    const s = stack('CdkPipelineStack');
    const real = s.resources.filter((r) => !r.simulated).map((r) => r.type);
    expect(real.sort()).toEqual(['AWS::CodeBuild::Project', 'AWS::CodeCommit::Repository', 'AWS::CodePipeline::Pipeline', 'AWS::Events::Rule', 'AWS::S3::Bucket']);
    const bucket = s.resources.find((r) => r.type === 'AWS::S3::Bucket')!.physicalId;
    const p = (await cp.send(new GetPipelineCommand({ name: 'cdk-pipeline' }))).pipeline!;
    expect(p.artifactStore!.location).toBe(bucket);
    expect(p.artifactStore!.encryptionKey!.type).toBe('KMS');
    const first = await newestExecutionId(cp, 'cdk-pipeline');
    const repo = path.join(root, 'data', 'git', 'cdk-app');
    fs.writeFileSync(path.join(repo, 'README.md'), 'cdk');
    await git(repo, ['add', '-A']);
    await git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'first']);
    const runs = await until(
      async () => (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'cdk-pipeline' }))).pipelineExecutionSummaries!,
      (list) => list.some((e) => e.pipelineExecutionId !== first),
      20_000,
    );
    const rule = s.resources.find((r) => r.type === 'AWS::Events::Rule')!;
    const pushed = runs.find((e) => e.pipelineExecutionId !== first)!;
    expect(pushed.trigger).toEqual({ triggerType: 'CloudWatchEvent', triggerDetail: rule.attributes!.Arn });
    const gate = await until(
      async () => (await cp.send(new ListActionExecutionsCommand({ pipelineName: 'cdk-pipeline', filter: { pipelineExecutionId: pushed.pipelineExecutionId } }))).actionExecutionDetails!,
      (list) => list.some((d) => d.actionName === 'Gate'),
      20_000,
    );
    expect(gate.map((d) => [d.actionName, d.status]).sort()).toEqual([['Checkout', 'Succeeded'], ['Gate', 'InProgress']]);
  });
});
