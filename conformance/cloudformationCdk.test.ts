// The call sequences of the CDK CLI (traced in issue 12), replayed with the SDK: bootstrap (STS
// GetCallerIdentity; DescribeStacks of a missing CDKToolkit; a CREATE change set with capabilities;
// DescribeChangeSet; ExecuteChangeSet; DescribeStacks by stack id until complete; DescribeStackEvents;
// the outputs), deploy (AssumeRole; the template put into the bootstrap bucket; a change set from a
// TemplateURL into the emulator's S3 store; GetTemplate; execute) and destroy (DeleteStack; DescribeStacks
// by id until DELETE_COMPLETE). The app's SSM parameter type and CDK's CheckBootstrapVersion rule read the
// parameter store, where the bootstrap template's AWS::SSM::Parameter put the version.
import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import { until } from './engineKit.js';
import { cfnClient } from './cfnKit.js';

const t = useEmulator();

/** The shape of CDK's bootstrap template, cut down: parameters, conditions, the staging bucket, IAM roles, the version parameter, the outputs CDK reads. */
const BOOTSTRAP = JSON.stringify({
  Description: 'This stack includes resources needed to deploy AWS CDK apps into this environment',
  Parameters: {
    TrustedAccounts: { Type: 'CommaDelimitedList', Default: '' },
    FileAssetsBucketName: { Type: 'String', Default: '' },
    Qualifier: { Type: 'String', Default: 'hnb659fds', AllowedPattern: '[A-Za-z0-9_-]{1,10}' },
  },
  Conditions: {
    HasTrustedAccounts: { 'Fn::Not': [{ 'Fn::Equals': ['', { 'Fn::Join': ['', { Ref: 'TrustedAccounts' }] }] }] },
    HasCustomFileAssetsBucketName: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'FileAssetsBucketName' }] }] },
  },
  Resources: {
    StagingBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketName: {
          'Fn::If': ['HasCustomFileAssetsBucketName', { Ref: 'FileAssetsBucketName' }, { 'Fn::Sub': 'cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}' }],
        },
      },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    },
    DeploymentActionRole: {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: {}, RoleName: { 'Fn::Sub': 'cdk-${Qualifier}-deploy-role-${AWS::AccountId}-${AWS::Region}' } },
    },
    CdkBootstrapVersion: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Name: { 'Fn::Sub': '/cdk-bootstrap/${Qualifier}/version' }, Value: '28' } },
  },
  Outputs: {
    BucketName: { Description: 'The name of the S3 bucket owned by the CDK toolkit stack', Value: { 'Fn::Sub': '${StagingBucket}' } },
    BucketDomainName: { Description: 'The domain name of the S3 bucket owned by the CDK toolkit stack', Value: { 'Fn::Sub': '${StagingBucket}.s3.${AWS::Region}.${AWS::URLSuffix}' } },
    BootstrapVersion: { Description: 'The version of the bootstrap resources that are currently mastered in this stack', Value: '28' },
  },
});

const APP = `Parameters:
  BootstrapVersion:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /cdk-bootstrap/hnb659fds/version
    Description: Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store.
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert: !Not [!Contains [['1', '2', '3', '4', '5'], !Ref BootstrapVersion]]
        AssertDescription: CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.
Resources:
  Queue:
    Type: AWS::SQS::Queue
  CDKMetadata:
    Type: AWS::CDK::Metadata
    Properties:
      Analytics: v2:deflate64:H4sIAAAAAAAA
Outputs:
  QueueUrl:
    Value: !Ref Queue
`;

/** What the CDK CLI does after ExecuteChangeSet: DescribeStacks by the stack's id until it leaves *_IN_PROGRESS. */
const settledById = (cf: CloudFormationClient, stackId: string): Promise<Stack> =>
  until(
    async () => (await cf.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks![0],
    (s) => !s.StackStatus!.endsWith('_IN_PROGRESS'),
    15_000,
  );

describe('the CDK CLI’s call sequences', () => {
  let bucket = '';

  it('bootstrap: CDKToolkit through a CREATE change set, its outputs read back', async () => {
    const credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'x' };
    const sts = new STSClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
    const cf = cfnClient(t.emu.endpoint);
    const missing = await failure(cf.send(new DescribeStacksCommand({ StackName: 'CDKToolkit' })));
    expect([missing.name, missing.message]).toEqual(['ValidationError', 'Stack with id CDKToolkit does not exist']);
    const cs = await cf.send(
      new CreateChangeSetCommand({
        StackName: 'CDKToolkit',
        ChangeSetName: 'cdk-deploy-change-set',
        ChangeSetType: 'CREATE',
        TemplateBody: BOOTSTRAP,
        Description: 'CDK Changeset for execution 0b4a4f3d',
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Parameters: [
          { ParameterKey: 'TrustedAccounts', ParameterValue: '' },
          { ParameterKey: 'FileAssetsBucketName', ParameterValue: '' },
          { ParameterKey: 'Qualifier', ParameterValue: 'hnb659fds' },
        ],
        Tags: [],
      }),
    );
    const described = await until(
      () => cf.send(new DescribeChangeSetCommand({ StackName: 'CDKToolkit', ChangeSetName: 'cdk-deploy-change-set' })),
      (d) => d.Status !== 'CREATE_PENDING' && d.Status !== 'CREATE_IN_PROGRESS',
    );
    expect([described.Status, described.ExecutionStatus, described.Changes!.length]).toEqual(['CREATE_COMPLETE', 'AVAILABLE', 3]);
    await cf.send(new ExecuteChangeSetCommand({ StackName: 'CDKToolkit', ChangeSetName: 'cdk-deploy-change-set' }));
    const s = await settledById(cf, cs.StackId!);
    expect(s.StackStatus).toBe('CREATE_COMPLETE');
    const events = (await cf.send(new DescribeStackEventsCommand({ StackName: cs.StackId! }))).StackEvents!;
    expect(events[0]).toMatchObject({ LogicalResourceId: 'CDKToolkit', ResourceStatus: 'CREATE_COMPLETE' });
    const outputs = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    bucket = `cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`;
    expect(outputs).toEqual({ BucketName: bucket, BucketDomainName: `${bucket}.s3.us-east-1.amazonaws.com`, BootstrapVersion: '28' });
  });

  it('deploy: AssumeRole, the template into the bootstrap bucket, a change set from its TemplateURL, GetTemplate, execute', async () => {
    const sts = new STSClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    const role = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-us-east-1`, RoleSessionName: 'aws-cdk-dev' }));
    const c = role.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const s3 = new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
    // The stack engine may or may not create the bucket for real; CDK expects it to exist.
    if (await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => false, () => true)) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const key = 'b2f6a3c1d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d.json';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: APP }));
    // The bootstrap version the CLI checks: the bootstrap template's AWS::SSM::Parameter, in the parameter store.
    const ssm = new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    expect((await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }))).Parameter!.Value).toBe('28');
    const cf = new CloudFormationClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const missing = await failure(cf.send(new DescribeStacksCommand({ StackName: 'AppStack' })));
    expect(missing.message).toBe('Stack with id AppStack does not exist');
    const cs = await cf.send(
      new CreateChangeSetCommand({
        StackName: 'AppStack',
        ChangeSetName: 'cdk-deploy-change-set',
        ChangeSetType: 'CREATE',
        TemplateURL: `https://s3.us-east-1.amazonaws.com/${bucket}/${key}`,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Parameters: [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version' }],
      }),
    );
    expect((await cf.send(new DescribeChangeSetCommand({ StackName: 'AppStack', ChangeSetName: 'cdk-deploy-change-set' }))).Status).toBe('CREATE_COMPLETE');
    expect((await cf.send(new GetTemplateCommand({ StackName: 'AppStack', ChangeSetName: 'cdk-deploy-change-set', TemplateStage: 'Original' }))).TemplateBody).toBe(APP);
    await cf.send(new ExecuteChangeSetCommand({ StackName: 'AppStack', ChangeSetName: 'cdk-deploy-change-set' }));
    const s = await settledById(cf, cs.StackId!);
    expect([s.StackStatus, s.Outputs!.map((o) => o.OutputKey)]).toEqual(['CREATE_COMPLETE', ['QueueUrl']]);
    // The SSM parameter type read the store (the Rules assertion saw 28).
    expect(s.Parameters).toEqual([{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '28' }]);
    expect((await cf.send(new DescribeStackEventsCommand({ StackName: cs.StackId! }))).StackEvents![0].ResourceStatus).toBe('CREATE_COMPLETE');
  });

  it('an environment bootstrapped by an old version fails the app’s rule, in its words, before anything is made', async () => {
    const credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'x' };
    const ssm = new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '5', Type: 'String', Overwrite: true }));
    try {
      const cf = cfnClient(t.emu.endpoint);
      const refused = await failure(
        cf.send(new CreateChangeSetCommand({ StackName: 'OldApp', ChangeSetName: 'cdk-deploy-change-set', ChangeSetType: 'CREATE', TemplateBody: APP, Parameters: [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version' }] })),
      );
      expect([refused.name, refused.message]).toEqual(['ValidationError', "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."]);
      expect((await failure(cf.send(new DescribeStacksCommand({ StackName: 'OldApp' })))).message).toBe('Stack with id OldApp does not exist');
    } finally {
      await ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '28', Type: 'String', Overwrite: true }));
    }
  });

  it('destroy: DeleteStack, then DescribeStacks by the stack id until DELETE_COMPLETE', async () => {
    const cf = cfnClient(t.emu.endpoint);
    const [s] = (await cf.send(new DescribeStacksCommand({ StackName: 'AppStack' }))).Stacks!;
    await cf.send(new DeleteStackCommand({ StackName: s.StackId }));
    expect((await settledById(cf, s.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    expect((await cf.send(new DescribeStackEventsCommand({ StackName: s.StackId! }))).StackEvents![0]).toMatchObject({ LogicalResourceId: 'AppStack', ResourceStatus: 'DELETE_COMPLETE' });
  });
});
