// One stack engine for the pipeline's Deploy/CloudFormation action and the CloudFormation API: a stack a
// pipeline creates is seen by DescribeStacks, and a stack the API creates is updated, changed through
// change sets and deleted by pipeline actions.
import {
  CreateStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListStacksCommand,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { CreatePipelineCommand, ListActionExecutionsCommand, PutJobSuccessResultCommand, type ActionDeclaration, type StageDeclaration } from '@aws-sdk/client-codepipeline';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, useEmulator } from './harness.js';
import { createCustomTypes, executionStatus, pipelineOf, SOURCE_TYPE, takeJob, until } from './engineKit.js';
import { BUCKET_TEMPLATE, cfnClient, settled } from './cfnKit.js';

const t = useEmulator({ setup: (cp) => createCustomTypes(cp) });
const cf = () => cfnClient(t.emu.endpoint);

const deploy = (name: string, configuration: Record<string, string>): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
  configuration,
  inputArtifacts: [{ name: 'SourceOut' }],
});

/** Creates the pipeline, answers its source with `files`, and waits for the execution to finish. */
async function runPipeline(name: string, stages: StageDeclaration[], files: Record<string, string>): Promise<string> {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, stages) }));
  const job = await takeJob(t.cp, SOURCE_TYPE, { Repo: name });
  const loc = job.data!.outputArtifacts![0].location!.s3Location!;
  await t.emu.engine.artifacts.put(ACCOUNT, { bucket: loc.bucketName!, key: loc.objectKey! }, zipFiles(Object.entries(files).map(([p, d]) => ({ path: p, data: Buffer.from(d) }))));
  await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'r1', changeIdentifier: 'r1' } }));
  const id = job.data!.pipelineContext!.pipelineExecutionId!;
  return until(() => executionStatus(t.cp, name, id), (s) => s !== 'InProgress', 15_000);
}

describe('one stack engine for pipelines and the API', () => {
  it('a stack a pipeline creates shows in DescribeStacks, ListStacks and DescribeStackEvents', async () => {
    const status = await runPipeline('makes-stack', [{ name: 'Deploy', actions: [deploy('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'piped', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"prod"}' })] }], {
      't.yml': BUCKET_TEMPLATE,
    });
    expect(status).toBe('Succeeded');
    const [s] = (await cf().send(new DescribeStacksCommand({ StackName: 'piped' }))).Stacks!;
    expect([s.StackStatus, s.Parameters, s.Outputs![0]]).toEqual([
      'CREATE_COMPLETE',
      [
        { ParameterKey: 'Env', ParameterValue: 'prod' },
        { ParameterKey: 'Token', ParameterValue: '****' },
      ],
      { OutputKey: 'BucketName', OutputValue: 'site-prod', Description: "the bucket's name", ExportName: 'piped-bucket' },
    ]);
    expect((await cf().send(new ListStacksCommand({}))).StackSummaries!.map((x) => x.StackName)).toContain('piped');
    expect((await cf().send(new DescribeStackEventsCommand({ StackName: 'piped' }))).StackEvents![0]).toMatchObject({ LogicalResourceId: 'piped', ResourceStatus: 'CREATE_COMPLETE' });
  });

  it('a stack the API creates is updated, given a change set and deleted by pipeline actions', async () => {
    // Buckets are real: this stack's are named apart from the first test's site-prod.
    const template = BUCKET_TEMPLATE.replace("'site-", "'shared-");
    const { StackId } = await cf().send(new CreateStackCommand({ StackName: 'shared', TemplateBody: template }));
    expect((await settled(cf(), 'shared')).StackStatus).toBe('CREATE_COMPLETE');
    // The pipeline updates it.
    const files = { 't.yml': template };
    expect(await runPipeline('updates-stack', [{ name: 'Deploy', actions: [deploy('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'shared', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"prod"}' })] }], files)).toBe('Succeeded');
    const [updated] = (await cf().send(new DescribeStacksCommand({ StackName: 'shared' }))).Stacks!;
    expect([updated.StackId, updated.StackStatus, updated.Outputs![0].OutputValue]).toEqual([StackId, 'UPDATE_COMPLETE', 'shared-prod']);
    // The pipeline makes a change set; the API sees and executes it.
    expect(
      await runPipeline(
        'plans-stack',
        [{ name: 'Deploy', actions: [deploy('Plan', { ActionMode: 'CHANGE_SET_REPLACE', StackName: 'shared', ChangeSetName: 'planned', TemplatePath: 'SourceOut::t.yml', ParameterOverrides: '{"Env":"dev"}' })] }],
        files,
      ),
    ).toBe('Succeeded');
    expect((await cf().send(new ListChangeSetsCommand({ StackName: 'shared' }))).Summaries!.map((c) => [c.ChangeSetName, c.Status])).toEqual([['planned', 'CREATE_COMPLETE']]);
    expect((await cf().send(new DescribeChangeSetCommand({ StackName: 'shared', ChangeSetName: 'planned' }))).Changes!.map((c) => c.ResourceChange!.Action)).toEqual(['Modify']);
    await cf().send(new ExecuteChangeSetCommand({ StackName: 'shared', ChangeSetName: 'planned' }));
    expect((await waitUntilStackUpdateComplete({ client: cf(), maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { StackName: 'shared' })).state).toBe('SUCCESS');
    expect((await cf().send(new DescribeStacksCommand({ StackName: 'shared' }))).Stacks![0].Outputs![0].OutputValue).toBe('shared-dev');
    // The pipeline deletes it.
    expect(await runPipeline('deletes-stack', [{ name: 'Deploy', actions: [deploy('Stack', { ActionMode: 'DELETE_ONLY', StackName: 'shared' })] }], files)).toBe('Succeeded');
    expect((await cf().send(new DescribeStacksCommand({ StackName: StackId }))).Stacks![0].StackStatus).toBe('DELETE_COMPLETE');
  });
  it('SSM parameter types of a pipeline’s stack read the SSM parameter store', async () => {
    const ssm = new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    await ssm.send(new PutParameterCommand({ Name: '/app/stage', Value: 'blue', Type: 'String' }));
    const template = 'Parameters:\n  Stage:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /app/stage\nResources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  Stage:\n    Value: !Ref Stage\n';
    expect(await runPipeline('ssm-stack', [{ name: 'Deploy', actions: [deploy('Stack', { ActionMode: 'CREATE_UPDATE', StackName: 'ssm-typed', TemplatePath: 'SourceOut::t.yml' })] }], { 't.yml': template })).toBe('Succeeded');
    const [s] = (await cf().send(new DescribeStacksCommand({ StackName: 'ssm-typed' }))).Stacks!;
    expect([s.StackStatus, s.Parameters, s.Outputs!.map((o) => [o.OutputKey, o.OutputValue])]).toEqual([
      'CREATE_COMPLETE',
      [{ ParameterKey: 'Stage', ParameterValue: '/app/stage', ResolvedValue: 'blue' }],
      [['Stage', 'blue']],
    ]);
  });

  it('a pipeline action refuses a stack the API accepted an operation on that has not run yet, and leaves the operation pending', async () => {
    // The document as DeleteStack leaves it between its answer and the run (the stored status is the one before).
    const scope = { account: ACCOUNT, region: 'us-east-1' };
    const now = new Date().toISOString();
    const stackId = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/pending/6d1c1f7e-0000-4000-8000-000000000002`;
    const doc = { stackId, stackName: 'pending', status: 'CREATE_COMPLETE', parameters: {}, capabilities: [], tags: {}, resources: [], outputs: {}, exports: {}, changeSets: {}, events: [], created: now, updated: now };
    t.emu.store.simulated.put(scope, 'cloudformation-stack', 'pending', { ...doc, apiOperation: { id: 'pending-1', kind: 'delete', previousStatus: 'CREATE_COMPLETE' } }, Date.now());
    expect(await runPipeline('deletes-pending', [{ name: 'Deploy', actions: [deploy('Stack', { ActionMode: 'DELETE_ONLY', StackName: 'pending' })] }], { 't.yml': BUCKET_TEMPLATE })).toBe('Failed');
    const actions = (await t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'deletes-pending' }))).actionExecutionDetails!;
    expect(actions.find((a) => a.actionName === 'Stack')!.output!.executionResult!.externalExecutionSummary).toBe(`Stack:${stackId} is in DELETE_IN_PROGRESS state and can not be updated.`);
    const [s] = (await cf().send(new DescribeStacksCommand({ StackName: 'pending' }))).Stacks!;
    expect([s.StackStatus, (t.emu.store.simulated.get(scope, 'cloudformation-stack', 'pending')!.document as { apiOperation?: { id: string } }).apiOperation?.id]).toEqual(['DELETE_IN_PROGRESS', 'pending-1']);
  });
});
