// PutActionRevision (a new revision starts an execution carrying it; a used one starts nothing) and
// ListDeployActionExecutionTargets (no local deploy targets yet: known executions list none).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListDeployActionExecutionTargetsCommand,
  ListPipelineExecutionsCommand,
  PutActionRevisionCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, pipelineOf, succeed, takeJob, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

const summaries = async (name: string) => (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries!;

describe('PutActionRevision', () => {
  const name = 'par';
  const put = (revisionId: string, created = new Date('2024-06-01T12:00:00Z')) =>
    t.cp.send(new PutActionRevisionCommand({ pipelineName: name, stageName: 'Source', actionName: 'Source', actionRevision: { revisionId, revisionChangeId: `chg-${revisionId}`, created } }));

  let firstId: string;
  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('B', 'par', { inputArtifacts: [{ name: 'SourceOut' }] })] }]) }));
    firstId = (await summaries(name))[0].pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: name }, { currentRevision: { revision: 'r1', changeIdentifier: 'chg-r1' } });
    await succeed(t.cp, BUILD_TYPE, { Project: 'par' });
    await waitForStatus(t.cp, name, firstId, 'Succeeded');
  });

  it('starts nothing for a revision an execution already used', async () => {
    expect(await put('r1')).toMatchObject({ newRevision: false, pipelineExecutionId: firstId });
    expect(await summaries(name)).toHaveLength(1);
  });

  it('starts an execution carrying a new revision, told to the source worker and passed downstream', async () => {
    const created = new Date('2024-06-02T08:30:00Z');
    const out = await put('r2', created);
    expect(out.newRevision).toBe(true);
    const id = out.pipelineExecutionId!;
    const latest = (await summaries(name))[0];
    expect(latest.pipelineExecutionId).toBe(id);
    expect(latest.trigger).toEqual({ triggerType: 'PutActionRevision', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` });
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec.artifactRevisions).toEqual([{ name: 'SourceOut', revisionId: 'r2', revisionChangeIdentifier: 'chg-r2', created }]);

    const source = await takeJob(t.cp, SOURCE_TYPE, { Repo: name });
    expect(source.data?.pipelineContext?.pipelineExecutionId).toBe(id);
    expect(source.data?.outputArtifacts?.[0].revision).toBe('r2');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: source.id }));
    const build = await takeJob(t.cp, BUILD_TYPE, { Project: 'par' });
    expect(build.data?.inputArtifacts?.[0].revision).toBe('r2');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: build.id }));
    await waitForStatus(t.cp, name, id, 'Succeeded');

    expect(await put('r2')).toMatchObject({ newRevision: false, pipelineExecutionId: id });
  });

  it('answers the not-found errors for the pipeline, stage and action', async () => {
    const revision = { revisionId: 'x', revisionChangeId: 'x', created: new Date() };
    await expectAwsError(
      t.cp.send(new PutActionRevisionCommand({ pipelineName: 'par-ghost', stageName: 'Source', actionName: 'Source', actionRevision: revision })),
      'PipelineNotFoundException',
      `Account '${ACCOUNT}' does not have a pipeline with name 'par-ghost'`,
    );
    await expectAwsError(
      t.cp.send(new PutActionRevisionCommand({ pipelineName: name, stageName: 'Nope', actionName: 'Source', actionRevision: revision })),
      'StageNotFoundException',
      "Stage with name 'Nope' was not found in pipeline 'par'",
    );
    await expectAwsError(
      t.cp.send(new PutActionRevisionCommand({ pipelineName: name, stageName: 'Source', actionName: 'Nope', actionRevision: revision })),
      'ActionNotFoundException',
      "Action with name 'Nope' was not found in stage 'Source' of pipeline 'par'",
    );
  });
});

describe('ListDeployActionExecutionTargets', () => {
  let actionExecutionId: string;
  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('ldt', [{ name: 'Build', actions: [buildAction('B', 'ldt')] }]) }));
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('ldt-other', [{ name: 'Build', actions: [buildAction('B', 'ldt-other')] }]) }));
    const job = await takeJob(t.cp, SOURCE_TYPE, { Repo: 'ldt' });
    actionExecutionId = job.data!.pipelineContext!.action!.actionExecutionId!;
    const state = await t.cp.send(new GetPipelineStateCommand({ name: 'ldt' }));
    expect(state.stageStates![0].actionStates![0].latestExecution?.actionExecutionId).toBe(actionExecutionId);
  });

  it('lists no targets for a known action execution', async () => {
    expect((await t.cp.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId }))).targets).toEqual([]);
    const scoped = await t.cp.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'ldt', actionExecutionId, maxResults: 5 }));
    expect(scoped.targets).toEqual([]);
    expect(scoped.nextToken).toBeUndefined();
  });

  it('answers ActionExecutionNotFoundException for an unknown one, or one of another pipeline or account', async () => {
    const ghost = randomUUID();
    await expectAwsError(
      t.cp.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId: ghost })),
      'ActionExecutionNotFoundException',
      `Action execution with id '${ghost}' was not found`,
    );
    await expectAwsError(t.cp.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'ldt-other', actionExecutionId })), 'ActionExecutionNotFoundException');
    const other = client(t.emu.endpoint, { accessKeyId: '210987654321' });
    await expectAwsError(other.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId })), 'ActionExecutionNotFoundException');
  });

  it('answers PipelineNotFoundException and InvalidNextTokenException', async () => {
    await expectAwsError(
      t.cp.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'ldt-ghost', actionExecutionId })),
      'PipelineNotFoundException',
      `Account '${ACCOUNT}' does not have a pipeline with name 'ldt-ghost'`,
    );
    await expectAwsError(t.cp.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId, nextToken: 'bogus' })), 'InvalidNextTokenException');
  });
});
