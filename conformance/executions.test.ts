// Executions end to end: stages in order, runOrder groups, job workers, approvals, variables, artifacts.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  approvalAction,
  approvalToken,
  buildAction,
  createCustomTypes,
  fail,
  newestExecutionId,
  pipelineOf,
  succeed,
  takeJob,
  waitForStatus,
} from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

describe('executions', () => {
  it('CreatePipeline starts an execution that runs stage by stage through job workers', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('linear', [{ name: 'Build', actions: [buildAction('Build', 'linear', { inputArtifacts: [{ name: 'SourceOut' }] })] }]) }));
    const id = await newestExecutionId(t.cp, 'linear');
    const summary = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'linear' }))).pipelineExecutionSummaries![0];
    expect(summary.trigger).toEqual({ triggerType: 'CreatePipeline', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` });
    expect(summary.status).toBe('InProgress');

    const sourceJob = await succeed(t.cp, SOURCE_TYPE, { Repo: 'linear' }, { currentRevision: { revision: 'abc123', changeIdentifier: 'abc123' } });
    expect(sourceJob.data?.pipelineContext).toMatchObject({ pipelineName: 'linear', stage: { name: 'Source' }, action: { name: 'Source' }, pipelineExecutionId: id });
    expect(sourceJob.data?.outputArtifacts?.[0].location?.s3Location?.bucketName).toBe('local-artifacts');
    expect(sourceJob.data?.outputArtifacts?.[0].location?.s3Location?.objectKey).toMatch(/^linear\/SourceOut\/[A-Za-z0-9]{7}$/);

    const buildJob = await takeJob(t.cp, BUILD_TYPE, { Project: 'linear' });
    expect(buildJob.data?.inputArtifacts?.[0]).toEqual({
      name: 'SourceOut',
      revision: 'abc123',
      location: sourceJob.data!.outputArtifacts![0].location,
    });
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'linear' }));
    expect(state.stageStates!.map((s) => [s.stageName, s.latestExecution?.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Build', 'InProgress'],
    ]);
    expect(state.stageStates![1].inboundTransitionState).toEqual({ enabled: true });
    await t.cp.send(new (await import('@aws-sdk/client-codepipeline')).PutJobSuccessResultCommand({ jobId: buildJob.id }));
    await waitForStatus(t.cp, 'linear', id, 'Succeeded');
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'linear', pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec.artifactRevisions).toEqual([expect.objectContaining({ name: 'SourceOut', revisionId: 'abc123', revisionChangeIdentifier: 'abc123' })]);
    // GetPipelineState shows the source action's current revision, as AWS does.
    const source = (await t.cp.send(new GetPipelineStateCommand({ name: 'linear' }))).stageStates![0].actionStates![0];
    expect(source.currentRevision).toEqual({ revisionId: 'abc123', revisionChangeId: 'abc123', created: expect.any(Date) });
    expect(source.currentRevision!.created!.getTime()).toBe(exec.artifactRevisions![0].created!.getTime());
    expect(exec.pipelineVersion).toBe(1);
  });

  it('runs actions of one runOrder in parallel and the next group after them', async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('groups', [
          { name: 'Build', actions: [buildAction('A', 'grp-a'), buildAction('B', 'grp-b'), buildAction('C', 'grp-c', { runOrder: 2 })] },
        ]),
      }),
    );
    const id = await newestExecutionId(t.cp, 'groups');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'groups' });
    const a = await takeJob(t.cp, BUILD_TYPE, { Project: 'grp-a' });
    const b = await takeJob(t.cp, BUILD_TYPE, { Project: 'grp-b' });
    const none = await t.cp.send(new (await import('@aws-sdk/client-codepipeline')).PollForJobsCommand({ actionTypeId: BUILD_TYPE, queryParam: { Project: 'grp-c' } }));
    expect(none.jobs).toEqual([]);
    const { PutJobSuccessResultCommand } = await import('@aws-sdk/client-codepipeline');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: a.id }));
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: b.id }));
    await succeed(t.cp, BUILD_TYPE, { Project: 'grp-c' });
    await waitForStatus(t.cp, 'groups', id, 'Succeeded');
  });

  it('fails the stage and the execution when an action fails', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('failing', [{ name: 'Build', actions: [buildAction('Build', 'failing')] }]) }));
    const id = await newestExecutionId(t.cp, 'failing');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'failing' });
    await fail(t.cp, BUILD_TYPE, { Project: 'failing' }, 'compile error');
    await waitForStatus(t.cp, 'failing', id, 'Failed');
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'failing' }));
    expect(state.stageStates![1].latestExecution?.status).toBe('Failed');
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'compile error',
      errorDetails: { code: 'JobFailed', message: 'compile error' },
    });
  });

  it('waits for a manual approval and continues when approved', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('approved', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const id = await newestExecutionId(t.cp, 'approved');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'approved' });
    const token = await approvalToken(t.cp, 'approved', 'Gate', 'Approve');
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await failure(
      t.cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token: '00000000-0000-0000-0000-000000000000', result: { status: 'Approved', summary: 'ok' } })),
    );
    expect(bad.name).toBe('InvalidApprovalTokenException');
    const out = await t.cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ship it' } }));
    expect(out.approvedAt).toBeInstanceOf(Date);
    await waitForStatus(t.cp, 'approved', id, 'Succeeded');
    const again = await failure(t.cp.send(new PutApprovalResultCommand({ pipelineName: 'approved', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'again' } })));
    expect(again.name).toBe('ApprovalAlreadyCompletedException');
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'approved' }));
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({ status: 'Succeeded', summary: 'ship it', lastUpdatedBy: `arn:aws:iam::${ACCOUNT}:root` });
    expect(state.stageStates![1].actionStates![0].latestExecution?.token).toBeUndefined();
  });

  it('fails the execution when an approval is rejected', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('rejected', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const id = await newestExecutionId(t.cp, 'rejected');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'rejected' });
    const token = await approvalToken(t.cp, 'rejected', 'Gate', 'Approve');
    await t.cp.send(new PutApprovalResultCommand({ pipelineName: 'rejected', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Rejected', summary: 'no' } }));
    await waitForStatus(t.cp, 'rejected', id, 'Failed');
  });

  it('StartPipelineExecution records the execution and its entry into the first stage in one commit', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('one-commit', [{ name: 'Gate', actions: [approvalAction()] }], { pipelineType: 'V2', executionMode: 'PARALLEL' }) }));
    await newestExecutionId(t.cp, 'one-commit');
    const store = t.emu.store;
    let commits = 0;
    const tx = store.tx.bind(store);
    (store as { tx: unknown }).tx = <T>(fn: () => T): T => {
      if (!store.db.inTransaction) commits++;
      return tx(fn);
    };
    try {
      const { pipelineExecutionId } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'one-commit' }));
      await new Promise((r) => setImmediate(r));
      expect(commits).toBe(1);
      const state = await t.cp.send(new GetPipelineStateCommand({ name: 'one-commit' }));
      expect(state.stageStates![0].latestExecution).toEqual({ pipelineExecutionId, status: 'InProgress' });
    } finally {
      delete (store as { tx?: unknown }).tx;
    }
  });

  it('StartPipelineExecution is idempotent per clientRequestToken', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('idem', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    const a = await t.cp.send(new StartPipelineExecutionCommand({ name: 'idem', clientRequestToken: 'token-1' }));
    const b = await t.cp.send(new StartPipelineExecutionCommand({ name: 'idem', clientRequestToken: 'token-1' }));
    expect(b.pipelineExecutionId).toBe(a.pipelineExecutionId);
    const list = await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'idem' }));
    expect(list.pipelineExecutionSummaries).toHaveLength(2);
    expect(list.pipelineExecutionSummaries![0]).toMatchObject({ pipelineExecutionId: a.pipelineExecutionId, trigger: { triggerType: 'StartPipelineExecution' } });
    const missing = await failure(t.cp.send(new StartPipelineExecutionCommand({ name: 'nope' })));
    expect(missing.name).toBe('PipelineNotFoundException');
  });

  it('resolves pipeline variables (defaults and start-time overrides) and reports them on the execution', async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('vars', [{ name: 'Build', actions: [buildAction('Build', 'vars', { configuration: { Project: 'vars', Flags: 'env=#{variables.Env} region=#{variables.Region} run=#{codepipeline.PipelineExecutionId}' } })] }], {
          pipelineType: 'V2',
          variables: [{ name: 'Env', defaultValue: 'dev' }, { name: 'Region', defaultValue: 'eu' }],
        }),
      }),
    );
    const first = await newestExecutionId(t.cp, 'vars');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'vars' });
    const job1 = await takeJob(t.cp, BUILD_TYPE, { Project: 'vars' });
    expect(job1.data?.actionConfiguration?.configuration?.Flags).toBe(`env=dev region=eu run=${first}`);
    await t.cp.send(new (await import('@aws-sdk/client-codepipeline')).PutJobSuccessResultCommand({ jobId: job1.id }));
    await waitForStatus(t.cp, 'vars', first, 'Succeeded');

    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name: 'vars', variables: [{ name: 'Env', value: 'prod' }] }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'vars' });
    const job2 = await takeJob(t.cp, BUILD_TYPE, { Project: 'vars' });
    expect(job2.data?.actionConfiguration?.configuration?.Flags).toBe(`env=prod region=eu run=${second}`);
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'vars', pipelineExecutionId: second }))).pipelineExecution!;
    expect(exec.variables).toEqual([
      { name: 'Env', resolvedValue: 'prod' },
      { name: 'Region', resolvedValue: 'eu' },
    ]);
    const bad = await failure(t.cp.send(new StartPipelineExecutionCommand({ name: 'vars', variables: [{ name: 'Nope', value: 'x' }] })));
    expect(bad.name).toBe('ValidationException');
  });

  it('fails an action whose configuration references a variable nobody produced: AWS message, then the references it could not resolve', async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('unresolved', [
          {
            name: 'Build',
            actions: [
              buildAction('Compile', 'unresolved', {
                configuration: { Project: 'unresolved', Flags: '--version=#{Build.APP_VERSON} #{Missing.Value} #{Build.APP_VERSON} --run=#{codepipeline.PipelineExecutionId}' },
              }),
            ],
          },
        ]),
      }),
    );
    const id = await newestExecutionId(t.cp, 'unresolved');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'unresolved' });
    await waitForStatus(t.cp, 'unresolved', id, 'Failed');
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'unresolved' }));
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'An action in this pipeline failed because one or more variables could not be resolved: Action name=Compile. Unresolved: #{Build.APP_VERSON}, #{Missing.Value}',
    });
    const runs = await t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'unresolved', filter: { pipelineExecutionId: id } }));
    const compile = runs.actionExecutionDetails!.find((d) => d.actionName === 'Compile')!;
    expect(compile.output?.executionResult?.errorDetails?.message).toContain('Unresolved: #{Build.APP_VERSON}');
  });

  it('an AWS provider that is not simulated yet fails its action with a clear reason', async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('unsimulated', [
          { name: 'Invoke', actions: [{ name: 'Invoke', actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' }, configuration: { PipelineName: 'other' } }] },
        ]),
      }),
    );
    const id = await newestExecutionId(t.cp, 'unsimulated');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'unsimulated' });
    await waitForStatus(t.cp, 'unsimulated', id, 'Failed');
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'unsimulated' }));
    expect(state.stageStates![1].actionStates![0].latestExecution?.summary).toBe('codepipeline-local does not simulate the action provider AWS/Invoke/CodePipeline/1 yet');
  });
});
