// The CloudFormation API with the JavaScript SDK through the real endpoint: the stack lifecycle with
// AWS's statuses and events (run after the answer, seen by the SDK's waiters), reads of resources and
// templates, change sets, exports, pagination, templates from the emulator's S3 store, accounts and
// regions kept apart, and AWS's errors for bad requests (never a 500).
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  paginateDescribeStackEvents,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, expectAwsError, failure, useEmulator } from './harness.js';
import { BUCKET_TEMPLATE, cfnClient, ROLE_TEMPLATE, settled } from './cfnKit.js';
import { until } from './engineKit.js';

const t = useEmulator();
const cf = () => cfnClient(t.emu.endpoint);
const waiter = () => ({ client: cf(), maxWaitTime: 30, minDelay: 1, maxDelay: 1 });
const ARN = (name: string) => new RegExp(`^arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${name}/[0-9a-f-]{36}$`);

const form = async (body: string) => {
  const r = await fetch(`${t.emu.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Version=2010-05-15&${body}` });
  const text = await r.text();
  return { status: r.status, code: /<Code>(.*?)<\/Code>/.exec(text)?.[1], message: /<Message>(.*?)<\/Message>/s.exec(text)?.[1], text };
};

/** ChangeSetNotFound travels as HTTP 404 (the model's status); the SDK names it ChangeSetNotFoundException. */
async function expectChangeSetNotFound(p: Promise<unknown>, message: string) {
  const e = await failure(p);
  expect([e.name, e.Code, e.$metadata.httpStatusCode, e.message]).toEqual(['ChangeSetNotFoundException', 'ChangeSetNotFound', 404, message]);
}

describe('the stack lifecycle', () => {
  it('CreateStack answers the stack id at once; the stack ends CREATE_COMPLETE with parameters (NoEcho masked), outputs, tags', async () => {
    const { StackId } = await cf().send(new CreateStackCommand({ StackName: 'site', TemplateBody: BUCKET_TEMPLATE, Parameters: [{ ParameterKey: 'Env', ParameterValue: 'prod' }], Tags: [{ Key: 'team', Value: 'web' }] }));
    expect(StackId).toMatch(ARN('site'));
    expect((await waitUntilStackCreateComplete(waiter(), { StackName: 'site' })).state).toBe('SUCCESS');
    const [s] = (await cf().send(new DescribeStacksCommand({ StackName: 'site' }))).Stacks!;
    expect(s).toEqual({
      StackId,
      StackName: 'site',
      Description: 'A bucket and its outputs',
      Parameters: [
        { ParameterKey: 'Env', ParameterValue: 'prod' },
        { ParameterKey: 'Token', ParameterValue: '****' },
      ],
      CreationTime: expect.any(Date),
      RollbackConfiguration: {},
      StackStatus: 'CREATE_COMPLETE',
      DisableRollback: false,
      NotificationARNs: [],
      Outputs: [
        { OutputKey: 'BucketName', OutputValue: 'site-prod', Description: "the bucket's name", ExportName: 'site-bucket' },
        { OutputKey: 'Where', OutputValue: `prod-us-east-1-${ACCOUNT}` },
      ],
      Tags: [{ Key: 'team', Value: 'web' }],
      EnableTerminationProtection: false,
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    });
    // By stack id too.
    expect((await cf().send(new DescribeStacksCommand({ StackName: StackId }))).Stacks![0].StackName).toBe('site');
  });

  it('its events, newest first, tell the lifecycle; its resources are listed and described', async () => {
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: 'site' }))).StackEvents!;
    expect(events.map((e) => [e.LogicalResourceId, e.ResourceType, e.ResourceStatus, e.ResourceStatusReason])).toEqual([
      ['site', 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE', undefined],
      ['Bucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE', undefined],
      ['Bucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS', undefined],
      ['site', 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 'User Initiated'],
    ]);
    expect(events[0]).toMatchObject({ StackName: 'site', StackId: expect.stringMatching(ARN('site')), EventId: expect.any(String), Timestamp: expect.any(Date) });
    const summaries = (await cf().send(new ListStackResourcesCommand({ StackName: 'site' }))).StackResourceSummaries!;
    expect(summaries).toEqual([
      {
        LogicalResourceId: 'Bucket',
        PhysicalResourceId: 'site-prod',
        ResourceType: 'AWS::S3::Bucket',
        LastUpdatedTimestamp: expect.any(Date),
        ResourceStatus: 'CREATE_COMPLETE',
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      },
    ]);
    const detail = (await cf().send(new DescribeStackResourceCommand({ StackName: 'site', LogicalResourceId: 'Bucket' }))).StackResourceDetail!;
    expect([detail.PhysicalResourceId, detail.ResourceStatus, detail.Metadata]).toEqual(['site-prod', 'CREATE_COMPLETE', '{"Owner":"team"}']);
    const byPhysical = (await cf().send(new DescribeStackResourcesCommand({ PhysicalResourceId: 'site-prod' }))).StackResources!;
    expect(byPhysical.map((r) => [r.StackName, r.LogicalResourceId])).toEqual([['site', 'Bucket']]);
    await expectAwsError(cf().send(new DescribeStackResourceCommand({ StackName: 'site', LogicalResourceId: 'Nope' })), 'ValidationError', 'Resource Nope does not exist for stack site');
  });

  it('GetTemplate answers the template as given; GetTemplateSummary and ValidateTemplate describe it', async () => {
    expect(await cf().send(new GetTemplateCommand({ StackName: 'site' }))).toMatchObject({ TemplateBody: BUCKET_TEMPLATE, StagesAvailable: ['Original', 'Processed'] });
    const summary = await cf().send(new GetTemplateSummaryCommand({ StackName: 'site' }));
    expect(summary).toMatchObject({
      Parameters: [
        { ParameterKey: 'Env', DefaultValue: 'dev', ParameterType: 'String', NoEcho: false, Description: 'where it runs', ParameterConstraints: { AllowedValues: ['dev', 'prod'] } },
        { ParameterKey: 'Token', DefaultValue: 'hunter2', ParameterType: 'String', NoEcho: true, ParameterConstraints: {} },
      ],
      Description: 'A bucket and its outputs',
      Capabilities: [],
      ResourceTypes: ['AWS::S3::Bucket'],
      Version: '2010-09-09',
      DeclaredTransforms: [],
    });
    const valid = await cf().send(new ValidateTemplateCommand({ TemplateBody: ROLE_TEMPLATE }));
    expect([valid.Parameters, valid.Capabilities, valid.CapabilitiesReason]).toEqual([[], ['CAPABILITY_IAM'], 'The following resource(s) require capabilities: [AWS::IAM::Role]']);
    await expectAwsError(cf().send(new ValidateTemplateCommand({ TemplateBody: '{"Resources": ' })), 'ValidationError', 'Template format error: JSON not well-formed.');
    await expectAwsError(cf().send(new ValidateTemplateCommand({ TemplateBody: 'Outputs: {}' })), 'ValidationError', 'Template format error: At least one Resources member must be defined.');
  });

  it('UpdateStack runs to UPDATE_COMPLETE (UsePreviousTemplate, UsePreviousValue); the same again is "No updates are to be performed."', async () => {
    await cf().send(new UpdateStackCommand({ StackName: 'site', UsePreviousTemplate: true, Parameters: [{ ParameterKey: 'Env', ParameterValue: 'dev' }, { ParameterKey: 'Token', UsePreviousValue: true }] }));
    expect((await waitUntilStackUpdateComplete(waiter(), { StackName: 'site' })).state).toBe('SUCCESS');
    const [s] = (await cf().send(new DescribeStacksCommand({ StackName: 'site' }))).Stacks!;
    expect([s.StackStatus, s.Outputs![0].OutputValue, s.LastUpdatedTime instanceof Date, s.Tags]).toEqual(['UPDATE_COMPLETE', 'site-dev', true, [{ Key: 'team', Value: 'web' }]]);
    await expectAwsError(
      cf().send(new UpdateStackCommand({ StackName: 'site', UsePreviousTemplate: true, Parameters: [{ ParameterKey: 'Env', UsePreviousValue: true }] })),
      'ValidationError',
      'No updates are to be performed.',
    );
    await expectAwsError(cf().send(new UpdateStackCommand({ StackName: 'ghost', TemplateBody: BUCKET_TEMPLATE })), 'ValidationError', 'Stack [ghost] does not exist');
  });

  it('ListExports lists the exports of live stacks; ListStacks every stack with a status filter', async () => {
    const exports = (await cf().send(new ListExportsCommand({}))).Exports!;
    expect(exports).toContainEqual({ ExportingStackId: expect.stringMatching(ARN('site')), Name: 'site-bucket', Value: 'site-dev' });
    const listed = (await cf().send(new ListStacksCommand({ StackStatusFilter: ['UPDATE_COMPLETE'] }))).StackSummaries!;
    expect(listed.map((s) => [s.StackName, s.StackStatus, s.TemplateDescription])).toEqual([['site', 'UPDATE_COMPLETE', 'A bucket and its outputs']]);
  });

  it('DeleteStack ends DELETE_COMPLETE: the name no longer answers, the id still does, ListStacks keeps it', async () => {
    const { StackId } = (await cf().send(new DescribeStacksCommand({ StackName: 'site' }))).Stacks![0];
    expect((await cf().send(new DeleteStackCommand({ StackName: 'site' }))).$metadata.httpStatusCode).toBe(200);
    expect((await waitUntilStackDeleteComplete(waiter(), { StackName: 'site' })).state).toBe('SUCCESS');
    await expectAwsError(cf().send(new DescribeStacksCommand({ StackName: 'site' })), 'ValidationError', 'Stack with id site does not exist');
    const [gone] = (await cf().send(new DescribeStacksCommand({ StackName: StackId }))).Stacks!;
    expect([gone.StackStatus, gone.DeletionTime instanceof Date]).toEqual(['DELETE_COMPLETE', true]);
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: StackId }))).StackEvents!;
    expect(events.slice(0, 4).map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['site DELETE_COMPLETE', 'Bucket DELETE_COMPLETE', 'Bucket DELETE_IN_PROGRESS', 'site DELETE_IN_PROGRESS']);
    expect((await cf().send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }))).StackSummaries!.map((s) => s.StackName)).toContain('site');
    expect((await cf().send(new ListExportsCommand({}))).Exports!.map((e) => e.Name)).not.toContain('site-bucket');
    // Deleting what does not exist is no error, as on AWS.
    expect((await cf().send(new DeleteStackCommand({ StackName: 'never-was' }))).$metadata.httpStatusCode).toBe(200);
  });

  it('a template naming a resource it does not have is refused at CreateStack, as CloudFormation refuses it: no stack is made', async () => {
    const body = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  X:\n    Value: !GetAtt Missing.Arn\n';
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'broken', TemplateBody: body })), 'ValidationError', 'Unresolved resource dependencies [Missing] in the Outputs block of the template');
    await expectAwsError(
      cf().send(new CreateStackCommand({ StackName: 'broken', TemplateBody: 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Missing\n' })),
      'ValidationError',
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    await expectAwsError(cf().send(new DescribeStacksCommand({ StackName: 'broken' })), 'ValidationError', 'Stack with id broken does not exist');
  });

  it('a resource that fails to create rolls the new stack back: ROLLBACK_COMPLETE with the reason, what was created is deleted, the waiter fails', async () => {
    // The bucket provisioner refuses the name (as S3 does); the queue before it was created and is deleted again.
    const body = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Bucket:\n    Type: AWS::S3::Bucket\n    DependsOn: Q\n    Properties:\n      BucketName: Not_A_Bucket\n';
    await cf().send(new CreateStackCommand({ StackName: 'refused', TemplateBody: body }));
    const s = await settled(cf(), 'refused');
    expect([s.StackStatus, s.StackStatusReason]).toEqual(['ROLLBACK_COMPLETE', 'The following resource(s) failed to create: [Bucket]. Rollback requested by user.']);
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: 'refused' }))).StackEvents!;
    expect(events.map((e) => [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason]).reverse()).toEqual([
      ['refused', 'CREATE_IN_PROGRESS', 'User Initiated'],
      ['Q', 'CREATE_IN_PROGRESS', undefined],
      ['Q', 'CREATE_COMPLETE', 'Simulated: the emulator records this resource type without creating it'],
      ['Bucket', 'CREATE_IN_PROGRESS', undefined],
      ['Bucket', 'CREATE_FAILED', 'Bucket name should not contain uppercase characters, and must be a valid bucket name: Not_A_Bucket'],
      ['refused', 'ROLLBACK_IN_PROGRESS', s.StackStatusReason],
      ['Q', 'DELETE_IN_PROGRESS', undefined],
      ['Q', 'DELETE_COMPLETE', undefined],
      ['refused', 'ROLLBACK_COMPLETE', undefined],
    ]);
    expect((await cf().send(new ListStackResourcesCommand({ StackName: 'refused' }))).StackResourceSummaries).toEqual([]);
    expect((await waitUntilStackCreateComplete(waiter(), { StackName: 'refused' }).catch((e) => e)).name).toBe('Error');
    await expectAwsError(cf().send(new UpdateStackCommand({ StackName: 'refused', UsePreviousTemplate: true })), 'ValidationError', `Stack:${s.StackId} is in ROLLBACK_COMPLETE state and can not be updated.`);
  });
});

describe('what a failure does: OnFailure, DisableRollback, RetainResources', () => {
  const REFUSED = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Bucket:\n    Type: AWS::S3::Bucket\n    DependsOn: Q\n    Properties:\n      BucketName: Not_A_Bucket\n';
  const resources = async (name: string) =>
    (await cf().send(new ListStackResourcesCommand({ StackName: name }))).StackResourceSummaries!.map((r) => [r.LogicalResourceId, r.ResourceStatus]);

  it('DisableRollback (or OnFailure DO_NOTHING) keeps what was created: CREATE_FAILED; OnFailure DELETE deletes the stack; both at once is refused', async () => {
    await cf().send(new CreateStackCommand({ StackName: 'kept-failed', TemplateBody: REFUSED, DisableRollback: true }));
    const kept = await settled(cf(), 'kept-failed');
    expect([kept.StackStatus, kept.StackStatusReason]).toEqual(['CREATE_FAILED', 'The following resource(s) failed to create: [Bucket].']);
    expect(await resources('kept-failed')).toEqual([['Q', 'CREATE_COMPLETE']]);
    await cf().send(new CreateStackCommand({ StackName: 'nothing-done', TemplateBody: REFUSED, OnFailure: 'DO_NOTHING' }));
    expect((await settled(cf(), 'nothing-done')).StackStatus).toBe('CREATE_FAILED');

    const { StackId } = await cf().send(new CreateStackCommand({ StackName: 'gone-failed', TemplateBody: REFUSED, OnFailure: 'DELETE' }));
    const gone = await until(async () => (await cf().send(new DescribeStacksCommand({ StackName: StackId }))).Stacks![0], (x) => x.StackStatus === 'DELETE_COMPLETE', 15_000);
    expect(gone.StackStatus).toBe('DELETE_COMPLETE');
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: StackId }))).StackEvents!.filter((e) => e.LogicalResourceId === 'gone-failed');
    expect(events.map((e) => e.ResourceStatus).reverse()).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);

    await expectAwsError(
      cf().send(new CreateStackCommand({ StackName: 'both', TemplateBody: REFUSED, OnFailure: 'ROLLBACK', DisableRollback: false })),
      'ValidationError',
      'Either DisableRollback or OnFailure can be specified, not both.',
    );
  });

  it('UpdateStack with DisableRollback leaves a failed update as it stopped: UPDATE_FAILED', async () => {
    await cf().send(new CreateStackCommand({ StackName: 'upd-kept', TemplateBody: 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n' }));
    expect((await settled(cf(), 'upd-kept')).StackStatus).toBe('CREATE_COMPLETE');
    await cf().send(new UpdateStackCommand({ StackName: 'upd-kept', TemplateBody: REFUSED, DisableRollback: true }));
    const s = await settled(cf(), 'upd-kept');
    expect([s.StackStatus, s.StackStatusReason]).toEqual(['UPDATE_FAILED', 'The following resource(s) failed to create: [Bucket].']);
  });

  it('DeleteStack of a DELETE_FAILED stack with RetainResources deletes the stack and keeps those resources', async () => {
    await cf().send(new CreateStackCommand({ StackName: 'full', TemplateBody: 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: full-of-things\n' }));
    expect((await settled(cf(), 'full')).StackStatus).toBe('CREATE_COMPLETE');
    const s3 = new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    await s3.send(new PutObjectCommand({ Bucket: 'full-of-things', Key: 'k', Body: 'v' }));
    await cf().send(new DeleteStackCommand({ StackName: 'full' }));
    expect((await settled(cf(), 'full')).StackStatus).toBe('DELETE_FAILED');
    const { StackId } = (await cf().send(new DescribeStacksCommand({ StackName: 'full' }))).Stacks![0];
    await cf().send(new DeleteStackCommand({ StackName: 'full', RetainResources: ['Bucket'] }));
    expect((await waitUntilStackDeleteComplete(waiter(), { StackName: StackId! })).state).toBe('SUCCESS');
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: StackId }))).StackEvents!;
    expect(events.slice(0, 3).map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['full DELETE_COMPLETE', 'Bucket DELETE_SKIPPED', 'full DELETE_IN_PROGRESS']);
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'full-of-things' }))).$metadata.httpStatusCode).toBe(200);
  });
});

describe('errors as CloudFormation answers them', () => {
  it('AlreadyExistsException, InsufficientCapabilitiesException, unknown and missing parameters, a bad stack name', async () => {
    await cf().send(new CreateStackCommand({ StackName: 'dup', TemplateBody: ROLE_TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }));
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'dup', TemplateBody: ROLE_TEMPLATE, Capabilities: ['CAPABILITY_IAM'] })), 'AlreadyExistsException', 'Stack [dup] already exists');
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'iam', TemplateBody: ROLE_TEMPLATE })), 'InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]');
    await expectAwsError(
      cf().send(new CreateStackCommand({ StackName: 'p', TemplateBody: BUCKET_TEMPLATE, Parameters: [{ ParameterKey: 'Nope', ParameterValue: 'x' }] })),
      'ValidationError',
      'Parameters: [Nope] do not exist in the template',
    );
    await expectAwsError(
      cf().send(new CreateStackCommand({ StackName: 'p', TemplateBody: 'Parameters:\n  Need: {Type: String}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n' })),
      'ValidationError',
      'Parameters: [Need] must have values',
    );
    await expectAwsError(
      cf().send(new CreateStackCommand({ StackName: '1st stack', TemplateBody: ROLE_TEMPLATE })),
      'ValidationError',
      "1 validation error detected: Value '1st stack' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
    );
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'none' })), 'ValidationError', 'Either Template URL or Template Body must be specified.');
    await expectAwsError(cf().send(new DescribeStackEventsCommand({ StackName: 'ghost' })), 'ValidationError', 'Stack with id ghost does not exist');
  });

  it('bad input on the wire: missing required members, wrong types, unknown Action, never a 500', async () => {
    expect(await form('Action=CreateStack')).toMatchObject({
      status: 400,
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
    });
    expect(await form('Action=CreateStack&StackName=x&TemplateBody=Resources%3A%20%7B%7D&TimeoutInMinutes=soon')).toMatchObject({
      status: 400,
      code: 'InvalidParameterValue',
      message: 'Value (soon) for parameter TimeoutInMinutes is invalid. Expected a number.',
    });
    expect(await form('Action=UpdateStack&StackName=x&UsePreviousTemplate=maybe')).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
    expect(await form('Action=DescribeStacks&NextToken=garbage')).toMatchObject({ status: 400, code: 'ValidationError', message: 'Invalid NextToken' });
    expect(await form('Action=DescribeChangeSet&ChangeSetName=x')).toMatchObject({ status: 400, code: 'ValidationError', message: 'StackName must be specified if ChangeSetName is not specified as an ARN.' });
    expect(await form('Action=Launch')).toMatchObject({ status: 400, code: 'InvalidAction', message: 'Could not find operation Launch for version 2010-05-15' });
    expect(await form('Action=CreateStackSet&StackSetName=x')).toMatchObject({ status: 501, code: 'NotImplemented' });
    expect(await form('Action=CreateStack&StackName=x&TemplateBody=%00%01&Parameters.member.1.ParameterKey=')).toMatchObject({ status: 400, code: 'ValidationError' });
  });
});

describe('change sets', () => {
  it('CREATE, describe, list, execute: the stack goes REVIEW_IN_PROGRESS -> CREATE_COMPLETE and its change sets are gone', async () => {
    const { Id, StackId } = await cf().send(
      new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: 'first', ChangeSetType: 'CREATE', TemplateBody: ROLE_TEMPLATE, Capabilities: ['CAPABILITY_IAM'], Description: 'the first one' }),
    );
    expect(Id).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:${ACCOUNT}:changeSet/first/[0-9a-f-]{36}$`));
    expect((await cf().send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0].StackStatus).toBe('REVIEW_IN_PROGRESS');
    expect((await waitUntilChangeSetCreateComplete(waiter(), { ChangeSetName: Id! })).state).toBe('SUCCESS');
    const d = await cf().send(new DescribeChangeSetCommand({ ChangeSetName: 'first', StackName: 'app' }));
    expect(d).toMatchObject({
      ChangeSetName: 'first',
      ChangeSetId: Id,
      StackId,
      StackName: 'app',
      Description: 'the first one',
      ExecutionStatus: 'AVAILABLE',
      Status: 'CREATE_COMPLETE',
      Capabilities: ['CAPABILITY_IAM'],
      Changes: [
        { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Role', ResourceType: 'AWS::IAM::Role', Scope: [], Details: [] } },
        { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue', Scope: [], Details: [] } },
      ],
    });
    const listed = (await cf().send(new ListChangeSetsCommand({ StackName: 'app' }))).Summaries!;
    expect(listed.map((s) => [s.ChangeSetName, s.Status, s.ExecutionStatus, s.Description])).toEqual([['first', 'CREATE_COMPLETE', 'AVAILABLE', 'the first one']]);
    expect((await cf().send(new GetTemplateCommand({ StackName: 'app', ChangeSetName: 'first' }))).TemplateBody).toBe(ROLE_TEMPLATE);
    await cf().send(new ExecuteChangeSetCommand({ ChangeSetName: Id }));
    expect((await waitUntilStackCreateComplete(waiter(), { StackName: StackId })).state).toBe('SUCCESS');
    expect((await cf().send(new ListChangeSetsCommand({ StackName: 'app' }))).Summaries).toEqual([]);
    await expectChangeSetNotFound(cf().send(new DescribeChangeSetCommand({ ChangeSetName: Id! })), `ChangeSet [${Id}] does not exist`);
  });

  it('UPDATE with no changes is FAILED with CloudFormation’s reason and cannot be executed; DeleteChangeSet removes it', async () => {
    const { Id } = await cf().send(new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: 'same', TemplateBody: ROLE_TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }));
    const d = await cf().send(new DescribeChangeSetCommand({ ChangeSetName: Id }));
    expect([d.Status, d.ExecutionStatus, d.StatusReason]).toEqual(['FAILED', 'UNAVAILABLE', "The submitted information didn't contain changes. Submit different information to create a change set."]);
    const e = await failure(cf().send(new ExecuteChangeSetCommand({ ChangeSetName: Id })));
    expect([e.name, e.Code, e.message]).toEqual(['InvalidChangeSetStatusException', 'InvalidChangeSetStatus', `ChangeSet [${Id}] cannot be executed in its current status of [FAILED]`]);
    await cf().send(new DeleteChangeSetCommand({ ChangeSetName: 'same', StackName: 'app' }));
    await expectChangeSetNotFound(cf().send(new DescribeChangeSetCommand({ ChangeSetName: 'same', StackName: 'app' })), 'ChangeSet [same] does not exist');
  });

  it('an UPDATE change set modifies and removes resources; CREATE on an existing stack and UPDATE on a missing one are refused', async () => {
    const next = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: 5}\n';
    const { Id } = await cf().send(new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: 'shrink', TemplateBody: next }));
    const d = await cf().send(new DescribeChangeSetCommand({ ChangeSetName: Id }));
    expect(d.Changes!.map((c) => [c.ResourceChange!.Action, c.ResourceChange!.LogicalResourceId, c.ResourceChange!.Replacement])).toEqual([
      ['Modify', 'Queue', 'False'],
      ['Remove', 'Role', undefined],
    ]);
    await cf().send(new ExecuteChangeSetCommand({ ChangeSetName: 'shrink', StackName: 'app' }));
    expect((await waitUntilStackUpdateComplete(waiter(), { StackName: 'app' })).state).toBe('SUCCESS');
    expect((await cf().send(new ListStackResourcesCommand({ StackName: 'app' }))).StackResourceSummaries!.map((r) => r.LogicalResourceId)).toEqual(['Queue']);
    await expectAwsError(
      cf().send(new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: 'again', ChangeSetType: 'CREATE', TemplateBody: next })),
      'ValidationError',
      'Stack [app] already exists and cannot be created again with the changeSet [again].',
    );
    await expectAwsError(cf().send(new CreateChangeSetCommand({ StackName: 'nowhere', ChangeSetName: 'x', TemplateBody: next })), 'ValidationError', 'Stack [nowhere] does not exist');
    await expectChangeSetNotFound(cf().send(new ExecuteChangeSetCommand({ ChangeSetName: 'x', StackName: 'app' })), 'ChangeSet [x] does not exist');
  });
});

describe('TemplateURL into the emulator’s S3 store', () => {
  it('accepts every URL form clients build; a missing object is S3’s error as a ValidationError', async () => {
    const s3 = new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'templates' }));
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'stacks/queue v1.yaml', Body: ROLE_TEMPLATE.replace('  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n', '') }));
    const key = 'stacks/queue%20v1.yaml';
    const urls = [
      `${t.emu.endpoint}/templates/${key}`,
      `https://s3.amazonaws.com/templates/${key}`,
      `https://s3.us-east-1.amazonaws.com/templates/${key}`,
      `https://s3-eu-west-1.amazonaws.com/templates/${key}`,
      `https://templates.s3.amazonaws.com/${key}`,
      `https://templates.s3.us-east-1.amazonaws.com/${key}`,
    ];
    for (const [i, url] of urls.entries()) {
      await cf().send(new CreateStackCommand({ StackName: `from-s3-${i}`, TemplateURL: url }));
      expect([url, (await settled(cf(), `from-s3-${i}`)).StackStatus]).toEqual([url, 'CREATE_COMPLETE']);
    }
    expect((await cf().send(new GetTemplateSummaryCommand({ TemplateURL: urls[4] }))).ResourceTypes).toEqual(['AWS::SQS::Queue']);
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'nope', TemplateURL: 'https://templates.s3.amazonaws.com/missing.yaml' })), 'ValidationError', 'S3 error: The specified key does not exist.');
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'nope', TemplateURL: 'https://s3.amazonaws.com/no-such-bucket/t.yaml' })), 'ValidationError', 'TemplateURL must reference a valid S3 object to which you have access.');
    await expectAwsError(cf().send(new CreateStackCommand({ StackName: 'nope', TemplateURL: 'ftp://x/y' })), 'ValidationError', 'TemplateURL must be an Amazon S3 URL');
  });
});

describe('pagination, accounts and regions', () => {
  it('DescribeStackEvents pages by 100 with NextToken; the paginator reads them all', async () => {
    const resources = Array.from({ length: 60 }, (_, i) => `  Q${i}:\n    Type: AWS::SQS::Queue\n`).join('');
    await cf().send(new CreateStackCommand({ StackName: 'many', TemplateBody: `Resources:\n${resources}` }));
    await settled(cf(), 'many');
    const first = await cf().send(new DescribeStackEventsCommand({ StackName: 'many' }));
    expect([first.StackEvents!.length, typeof first.NextToken]).toEqual([100, 'string']);
    let all = 0;
    for await (const page of paginateDescribeStackEvents({ client: cf() }, { StackName: 'many' })) all += page.StackEvents!.length;
    expect(all).toBe(122);
  });

  it('stacks live in one account and region', async () => {
    await cfnClient(t.emu.endpoint, { region: 'eu-west-1' }).send(new CreateStackCommand({ StackName: 'regional', TemplateBody: ROLE_TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }));
    await settled(cfnClient(t.emu.endpoint, { region: 'eu-west-1' }), 'regional');
    await expectAwsError(cf().send(new DescribeStacksCommand({ StackName: 'regional' })), 'ValidationError', 'Stack with id regional does not exist');
    await expectAwsError(cfnClient(t.emu.endpoint, { region: 'eu-west-1', accessKeyId: '999999999999' }).send(new DescribeStacksCommand({ StackName: 'regional' })), 'ValidationError', 'Stack with id regional does not exist');
    const [s] = (await cfnClient(t.emu.endpoint, { region: 'eu-west-1' }).send(new DescribeStacksCommand({ StackName: 'regional' }))).Stacks!;
    expect(s.StackId).toMatch(new RegExp(`^arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/regional/`));
  });
});
