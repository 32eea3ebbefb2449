// Stage transitions: disabled transitions hold executions in front of a stage; enabling lets them in.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PollForJobsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, failure, rawCall, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, executionStatus, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** Source -> Build, the Build action polling on Project = the pipeline's name. */
async function create(name: string, extra = {}) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('Build', name)] }], extra) }));
  const list = await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }));
  return list.pipelineExecutionSummaries![0].pipelineExecutionId!;
}

const buildState = async (name: string): Promise<StageState> =>
  (await t.cp.send(new GetPipelineStateCommand({ name }))).stageStates!.find((s) => s.stageName === 'Build')!;

const disable = (pipelineName: string, stageName = 'Build', transitionType: 'Inbound' | 'Outbound' = 'Inbound', reason = 'Hold for review') =>
  t.cp.send(new DisableStageTransitionCommand({ pipelineName, stageName, transitionType, reason }));

const enable = (pipelineName: string, stageName = 'Build', transitionType: 'Inbound' | 'Outbound' = 'Inbound') =>
  t.cp.send(new EnableStageTransitionCommand({ pipelineName, stageName, transitionType }));

const buildJobs = async (name: string) => (await t.cp.send(new PollForJobsCommand({ actionTypeId: BUILD_TYPE, queryParam: { Project: name } }))).jobs ?? [];

async function start(name: string) {
  return (await t.cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

describe('stage transitions', () => {
  it('a disabled transition holds an execution in front of the stage until it is enabled', async () => {
    const id = await create('tr-hold');
    const out = await disable('tr-hold');
    expect(out.$metadata.httpStatusCode).toBe(200);
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-hold' });

    const held = await until(() => buildState('tr-hold'), (s) => s.inboundExecution !== undefined);
    expect(held.inboundExecution).toEqual({ pipelineExecutionId: id, status: 'InProgress' });
    expect(held.inboundTransitionState).toEqual({ enabled: false, lastChangedBy: ROOT, lastChangedAt: expect.any(Date), disabledReason: 'Hold for review' });
    expect(held.latestExecution).toBeUndefined();
    expect(held.actionStates).toEqual([{ actionName: 'Build' }]);
    expect(await buildJobs('tr-hold')).toEqual([]);
    expect(await executionStatus(t.cp, 'tr-hold', id)).toBe('InProgress');

    await enable('tr-hold');
    const state = await until(() => buildState('tr-hold'), (s) => s.latestExecution !== undefined);
    expect(state.inboundExecution).toBeUndefined();
    expect(state.inboundTransitionState).toEqual({ enabled: true, lastChangedBy: ROOT, lastChangedAt: expect.any(Date) });
    expect(state.latestExecution).toEqual({ pipelineExecutionId: id, status: 'InProgress' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'tr-hold' });
    await waitForStatus(t.cp, 'tr-hold', id, 'Succeeded');
  });

  it("a stage's Outbound transition is the next stage's Inbound transition", async () => {
    const id = await create('tr-outbound');
    await disable('tr-outbound', 'Source', 'Outbound', 'Outbound hold');
    expect((await buildState('tr-outbound')).inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'Outbound hold' });
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-outbound' });
    await until(() => buildState('tr-outbound'), (s) => s.inboundExecution?.pipelineExecutionId === id);
    expect(await buildJobs('tr-outbound')).toEqual([]);
    await enable('tr-outbound', 'Source', 'Outbound');
    await succeed(t.cp, BUILD_TYPE, { Project: 'tr-outbound' });
    await waitForStatus(t.cp, 'tr-outbound', id, 'Succeeded');
  });

  it('disabling the inbound transition of a running stage does not interrupt it', async () => {
    const id = await create('tr-running');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-running' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'tr-running' });
    await disable('tr-running');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, 'tr-running', id, 'Succeeded');
    expect((await buildState('tr-running')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Succeeded' });
  });

  it('SUPERSEDED: of two executions held at a disabled transition the older is superseded; the newer goes on when enabled', async () => {
    const first = await create('tr-superseded');
    await disable('tr-superseded');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-superseded' });
    await until(() => buildState('tr-superseded'), (s) => s.inboundExecution?.pipelineExecutionId === first);

    const second = await start('tr-superseded');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-superseded' });
    await waitForStatus(t.cp, 'tr-superseded', first, 'Superseded');
    const held = await buildState('tr-superseded');
    expect(held.inboundExecution).toEqual({ pipelineExecutionId: second, status: 'InProgress' });
    expect(held.inboundExecutions).toBeUndefined();

    await enable('tr-superseded');
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'tr-superseded' });
    expect(job.data?.pipelineContext?.pipelineExecutionId).toBe(second);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, 'tr-superseded', second, 'Succeeded');
    expect(await executionStatus(t.cp, 'tr-superseded', first)).toBe('Superseded');
  });

  it('QUEUED: executions held at a disabled transition all go on, oldest first, when enabled', async () => {
    const first = await create('tr-queued', { pipelineType: 'V2', executionMode: 'QUEUED' });
    await disable('tr-queued');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-queued' });
    const second = await start('tr-queued');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-queued' });
    const third = await start('tr-queued');
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'tr-queued' });

    const held = await until(() => buildState('tr-queued'), (s) => s.inboundExecutions?.length === 3);
    expect(held.inboundExecutions).toEqual([first, second, third].map((pipelineExecutionId) => ({ pipelineExecutionId, status: 'InProgress' })));
    expect(held.inboundExecution).toBeUndefined();
    expect(await buildJobs('tr-queued')).toEqual([]);

    await enable('tr-queued');
    for (const id of [first, second, third]) {
      const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'tr-queued' });
      expect(job.data?.pipelineContext?.pipelineExecutionId).toBe(id);
      // One at a time: the next execution waits while this one is inside the stage.
      expect(await buildJobs('tr-queued')).toEqual([]);
      await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
      await waitForStatus(t.cp, 'tr-queued', id, 'Succeeded');
    }
  });

  describe('errors', () => {
    beforeAll(async () => {
      await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('tr-errors', [{ name: 'Build', actions: [buildAction('Build', 'tr-errors')] }]) }));
    });

    it('PipelineNotFoundException for an unknown pipeline', async () => {
      for (const e of [await failure(disable('tr-nope')), await failure(enable('tr-nope'))]) {
        expect(e.name).toBe('PipelineNotFoundException');
        expect(e.message).toBe(`Account '${ACCOUNT}' does not have a pipeline with name 'tr-nope'`);
        expect(e.$metadata.httpStatusCode).toBe(400);
      }
    });

    it('StageNotFoundException for an unknown stage', async () => {
      for (const e of [await failure(disable('tr-errors', 'Deploy')), await failure(enable('tr-errors', 'Deploy', 'Outbound'))]) {
        expect(e.name).toBe('StageNotFoundException');
        expect(e.message).toBe("Stage with name 'Deploy' was not found in pipeline 'tr-errors'");
        expect(e.$metadata.httpStatusCode).toBe(400);
      }
    });

    it('ValidationException for the first stage inbound and the last stage outbound', async () => {
      const first = await failure(disable('tr-errors', 'Source', 'Inbound'));
      expect(first.name).toBe('ValidationException');
      expect(first.message).toBe("Stage 'Source' is the first stage of pipeline 'tr-errors' and has no inbound transition");
      const last = await failure(enable('tr-errors', 'Build', 'Outbound'));
      expect(last.name).toBe('ValidationException');
      expect(last.message).toBe("Stage 'Build' is the last stage of pipeline 'tr-errors' and has no outbound transition");
      expect(last.$metadata.httpStatusCode).toBe(400);
    });

    it('ValidationException from the model: reason required and patterned, transitionType an enum', async () => {
      const noReason = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.DisableStageTransition', JSON.stringify({ pipelineName: 'tr-errors', stageName: 'Build', transitionType: 'Inbound' }));
      expect(noReason.status).toBe(400);
      expect(noReason.json.__type).toBe('ValidationException');
      const badReason = await failure(disable('tr-errors', 'Build', 'Inbound', 'no #hashes'));
      expect(badReason.name).toBe('ValidationException');
      const badType = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.EnableStageTransition', JSON.stringify({ pipelineName: 'tr-errors', stageName: 'Build', transitionType: 'Sideways' }));
      expect(badType.status).toBe(400);
      expect(badType.json.__type).toBe('ValidationException');
      // Nothing was stored by the rejected calls.
      expect((await buildState('tr-errors')).inboundTransitionState).toEqual({ enabled: true });
    });
  });
});
