// Executions end to end: stages in order, runOrder groups, job workers, approvals, variables, artifacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, client, failure, startEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  approvalAction,
  approvalToken,
  buildAction,
  createCustomTypes,
  fail,
  pipelineOf,
  succeed,
  takeJob,
  waitForStatus,
} from './engineKit.js';

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
beforeAll(async () => {
  emu = await startEmulator();
  cp = client(emu.endpoint);
  await createCustomTypes(cp);
});
afterAll(() => emu.stop());

async function latestExecutionId(name: string) {
  const out = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }));
  return out.pipelineExecutionSummaries![0].pipelineExecutionId!;
}

describe('executions', () => {
  it('CreatePipeline starts an execution that runs stage by stage through job workers', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('linear', [{ name: 'Build', actions: [buildAction('Build', 'linear', { inputArtifacts: [{ name: 'SourceOut' }] })] }]) }));
    const id = await latestExecutionId('linear');
    const summary = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'linear' }))).pipelineExecutionSummaries![0];
    expect(summary.trigger).toEqual({ triggerType: 'CreatePipeline', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` });
    expect(summary.status).toBe('InProgress');

    const sourceJob = await succeed(cp, SOURCE_TYPE, { Repo: 'linear' }, { currentRevision: { revision: 'abc123', changeIdentifier: 'abc123' } });
    expect(sourceJob.data?.pipelineContext).toMatchObject({ pipelineName: 'linear', stage: { name: 'Source' }, action: { name: 'Source' }, pipelineExecutionId: id });
    expect(sourceJob.data?.outputArtifacts?.[0].location?.s3Location?.bucketName).toBe('local-artifacts');
    expect(sourceJob.data?.outputArtifacts?.[0].location?.s3Location?.objectKey).toMatch(/^linear\/SourceOut\/[A-Za-z0-9]{7}$/);

    const buildJob = await takeJob(cp, BUILD_TYPE, { Project: 'linear' });
    expect(buildJob.data?.inputArtifacts?.[0]).toEqual({
      name: 'SourceOut',
      revision: 'abc123',
      location: sourceJob.data!.outputArtifacts![0].location,
    });
    const state = await cp.send(new GetPipelineStateCommand({ name: 'linear' }));
    expect(state.stageStates!.map((s) => [s.stageName, s.latestExecution?.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Build', 'InProgress'],
    ]);
    expect(state.stageStates![1].inboundTransitionState).toEqual({ enabled: true });
    await cp.send(new (await import('@aws-sdk/client-codepipeline')).PutJobSuccessResultCommand({ jobId: buildJob.id }));
    await waitForStatus(cp, 'linear', id, 'Succeeded');
    const exec = (await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'linear', pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec.artifactRevisions).toEqual([expect.objectContaining({ name: 'SourceOut', revisionId: 'abc123', revisionChangeIdentifier: 'abc123' })]);
    expect(exec.pipelineVersion).toBe(1);
  });

  it('runs actions of one runOrder in parallel and the next group after them', async () => {
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('groups', [
          { name: 'Build', actions: [buildAction('A', 'grp-a'), buildAction('B', 'grp-b'), buildAction('C', 'grp-c', { runOrder: 2 })] },
        ]),
      }),
    );
    const id = await latestExecutionId('groups');
    await succeed(cp, SOURCE_TYPE, { Repo: 'groups' });
    const a = await takeJob(cp, BUILD_TYPE, { Project: 'grp-a' });
    const b = await takeJob(cp, BUILD_TYPE, { Project: 'grp-b' });
    const none = await cp.send(new (await import('@aws-sdk/client-codepipeline')).PollForJobsCommand({ actionTypeId: BUILD_TYPE, queryParam: { Project: 'grp-c' } }));
    expect(none.jobs).toEqual([]);
    const { PutJobSuccessResultCommand } = await import('@aws-sdk/client-codepipeline');
    await cp.send(new PutJobSuccessResultCommand({ jobId: a.id }));
    await cp.send(new PutJobSuccessResultCommand({ jobId: b.id }));
    await succeed(cp, BUILD_TYPE, { Project: 'grp-c' });
    await waitForStatus(cp, 'groups', id, 'Succeeded');
  });

  it('fails the stage and the execution when an action fails', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('failing', [{ name: 'Build', actions: [buildAction('Build', 'failing')] }]) }));
    const id = await latestExecutionId('failing');
    await succeed(cp, SOURCE_TYPE, { Repo: 'failing' });
    await fail(cp, BUILD_TYPE, { Project: 'failing' }, 'compile error');
    await waitForStatus(cp, 'failing', id, 'Failed');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'failing' }));
    expect(state.stageStates![1].latestExecution?.status).toBe('Failed');
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'compile error',
      errorDetails: { code: 'JobFailed', message: 'compile error' },
    });
  });

  it('waits for a manual approval and continues when approved', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('approved', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const id = await latestExecutionId('approved');
    await succeed(cp, SOURCE_TYPE, { Repo: 'approved' });
    const token = await approvalToken(cp, 'approved', 'Gate', 'Approve');
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await failure(
      cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token: '00000000-0000-0000-0000-000000000000', result: { status: 'Approved', summary: 'ok' } })),
    );
    expect(bad.name).toBe('InvalidApprovalTokenException');
    const out = await cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ship it' } }));
    expect(out.approvedAt).toBeInstanceOf(Date);
    await waitForStatus(cp, 'approved', id, 'Succeeded');
    const again = await failure(cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'again' } })));
    expect(again.name).toBe('ApprovalAlreadyCompletedException');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'approved' }));
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({ status: 'Succeeded', summary: 'ship it', lastUpdatedBy: `arn:aws:iam::${ACCOUNT}:root` });
    expect(state.stageStates![1].actionStates![0].latestExecution?.token).toBeUndefined();
  });

  it('fails the execution when an approval is rejected', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('rejected', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const id = await latestExecutionId('rejected');
    await succeed(cp, SOURCE_TYPE, { Repo: 'rejected' });
    const token = await approvalToken(cp, 'rejected', 'Gate', 'Approve');
    await cp.send(new PutApprovalResultCommand({ pipelineName: 'rejected', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Rejected', summary: 'no' } }));
    await waitForStatus(cp, 'rejected', id, 'Failed');
  });

  it('StartPipelineExecution is idempotent per clientRequestToken', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('idem', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const a = await cp.send(new StartPipelineExecutionCommand({ name: 'idem', clientRequestToken: 'token-1' }));
    const b = await cp.send(new StartPipelineExecutionCommand({ name: 'idem', clientRequestToken: 'token-1' }));
    expect(b.pipelineExecutionId).toBe(a.pipelineExecutionId);
    const list = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'idem' }));
    expect(list.pipelineExecutionSummaries).toHaveLength(2);
    expect(list.pipelineExecutionSummaries![0]).toMatchObject({ pipelineExecutionId: a.pipelineExecutionId, trigger: { triggerType: 'StartPipelineExecution' } });
    const missing = await failure(cp.send(new StartPipelineExecutionCommand({ name: 'nope' })));
    expect(missing.name).toBe('PipelineNotFoundException');
  });

  it('resolves pipeline variables (defaults and start-time overrides) and reports them on the execution', async () => {
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('vars', [{ name: 'Build', actions: [buildAction('Build', 'vars', { configuration: { Project: 'vars', Flags: 'env=#{variables.Env} region=#{variables.Region} run=#{codepipeline.PipelineExecutionId}' } })] }], {
          pipelineType: 'V2',
          variables: [{ name: 'Env', defaultValue: 'dev' }, { name: 'Region', defaultValue: 'eu' }],
        }),
      }),
    );
    const first = await latestExecutionId('vars');
    await succeed(cp, SOURCE_TYPE, { Repo: 'vars' });
    const job1 = await takeJob(cp, BUILD_TYPE, { Project: 'vars' });
    expect(job1.data?.actionConfiguration?.configuration?.Flags).toBe(`env=dev region=eu run=${first}`);
    await cp.send(new (await import('@aws-sdk/client-codepipeline')).PutJobSuccessResultCommand({ jobId: job1.id }));
    await waitForStatus(cp, 'vars', first, 'Succeeded');

    const second = (await cp.send(new StartPipelineExecutionCommand({ name: 'vars', variables: [{ name: 'Env', value: 'prod' }] }))).pipelineExecutionId!;
    await succeed(cp, SOURCE_TYPE, { Repo: 'vars' });
    const job2 = await takeJob(cp, BUILD_TYPE, { Project: 'vars' });
    expect(job2.data?.actionConfiguration?.configuration?.Flags).toBe(`env=prod region=eu run=${second}`);
    const exec = (await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'vars', pipelineExecutionId: second }))).pipelineExecution!;
    expect(exec.variables).toEqual([
      { name: 'Env', resolvedValue: 'prod' },
      { name: 'Region', resolvedValue: 'eu' },
    ]);
    const bad = await failure(cp.send(new StartPipelineExecutionCommand({ name: 'vars', variables: [{ name: 'Nope', value: 'x' }] })));
    expect(bad.name).toBe('ValidationException');
  });

  it('fails an action whose configuration references a variable nobody produced, with AWS message', async () => {
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('unresolved', [{ name: 'Build', actions: [buildAction('Compile', 'unresolved', { configuration: { Project: 'unresolved', Flags: '#{Missing.Value}' } })] }]),
      }),
    );
    const id = await latestExecutionId('unresolved');
    await succeed(cp, SOURCE_TYPE, { Repo: 'unresolved' });
    await waitForStatus(cp, 'unresolved', id, 'Failed');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'unresolved' }));
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'An action in this pipeline failed because one or more variables could not be resolved: Action name=Compile',
    });
  });

  it('an AWS provider that is not simulated yet fails its action with a clear reason', async () => {
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('unsimulated', [
          { name: 'Invoke', actions: [{ name: 'Invoke', actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' }, configuration: { PipelineName: 'other' } }] },
        ]),
      }),
    );
    const id = await latestExecutionId('unsimulated');
    await succeed(cp, SOURCE_TYPE, { Repo: 'unsimulated' });
    await waitForStatus(cp, 'unsimulated', id, 'Failed');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'unsimulated' }));
    expect(state.stageStates![1].actionStates![0].latestExecution?.summary).toBe('codepipeline-local does not simulate the action provider AWS/Invoke/CodePipeline/1 yet');
  });
});
