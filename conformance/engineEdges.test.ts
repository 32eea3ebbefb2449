// Engine edge cases: races between API calls (a job answered twice, an answer racing an abandon, an
// approval racing its timeout, DeletePipeline while jobs are out), the stage lock across pipeline
// versions, and the engine's settling loop. Each case asserts the exact outcome through the SDK.
import { describe, expect, it } from 'vitest';
import {
  AcknowledgeJobCommand,
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetJobDetailsCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StopPipelineExecutionCommand,
  UpdatePipelineCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  approvalAction,
  approvalToken,
  buildAction,
  createCustomTypes,
  executionStatus,
  executionStatuses,
  jobExecutionId,
  newestExecutionId,
  pipelineOf,
  pollNow,
  stageState,
  startExecution,
  succeed,
  takeJob,
  until,
  waitForStatus,
} from './engineKit.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const clock = new ManualClock();
const t = useEmulator({ clock, setup: createCustomTypes });

const answer = (jobId: string) => t.cp.send(new PutJobSuccessResultCommand({ jobId }));
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: any) => `${e.name} ${e.$metadata?.httpStatusCode}`);

/** Source -> Build, Build polling on `${name}-build`. */
const twoStages = (name: string, extra: Partial<PipelineDeclaration> = {}) =>
  pipelineOf(name, [{ name: 'Build', actions: [buildAction('Build', `${name}-build`, { inputArtifacts: [{ name: 'SourceOut' }] })] }], extra);

async function started(decl: PipelineDeclaration) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: decl }));
  return newestExecutionId(t.cp, decl.name!);
}

describe('job results racing each other and a stop', () => {
  it('a job answered twice at once: one answer counts, the other is InvalidJobStateException', async () => {
    const id = await started(twoStages('race-twice'));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'race-twice' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'race-twice-build' });
    const results = await Promise.all([
      outcome(answer(job.id!)),
      outcome(t.cp.send(new PutJobFailureResultCommand({ jobId: job.id!, failureDetails: { type: 'JobFailed', message: 'late' } }))),
    ]);
    expect(results).toEqual(['ok', 'InvalidJobStateException 400']);
    await waitForStatus(t.cp, 'race-twice', id, 'Succeeded');
    expect((await stageState(t.cp, 'race-twice', 'Build')).actionStates![0].latestExecution!.status).toBe('Succeeded');
  });

  it('a job whose action ended another way (failed by the engine) refuses its result', async () => {
    const id = await started(twoStages('ended-elsewhere'));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'ended-elsewhere' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'ended-elsewhere-build' });
    // As after a restart that failed the action: the engine ends it without the job.
    t.emu.store.tx(() => t.emu.engine.completeAction(job.data!.pipelineContext!.action!.actionExecutionId!, { status: 'Failed', summary: 'ended' }));
    t.emu.engine.flush();
    const late = await failure(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id!, continuationToken: 'next' })));
    expect([late.name, late.$metadata.httpStatusCode, late.message]).toEqual([
      'InvalidJobStateException',
      400,
      `Job '${job.id}' belongs to an action that is Failed and cannot accept a result`,
    ]);
    await waitForStatus(t.cp, 'ended-elsewhere', id, 'Failed');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: 'ended-elsewhere-build' })).toEqual([]);
  });

  it('PutJobSuccessResult racing StopPipelineExecution abandon: one of two consistent outcomes, never a 500', async () => {
    for (let i = 0; i < 4; i++) {
      const name = `race-abandon-${i}`;
      const id = await started(twoStages(name));
      await succeed(t.cp, SOURCE_TYPE, { Repo: name });
      const job = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-build` });
      const stop = outcome(t.cp.send(new StopPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id, abandon: true, reason: 'r' })));
      const [stopped, answered] = i % 2 ? await Promise.all([stop, outcome(answer(job.id!))]) : (await Promise.all([outcome(answer(job.id!)), stop])).reverse();
      const action = (await stageState(t.cp, name, 'Build')).actionStates![0].latestExecution!;
      if (answered === 'ok') {
        // The answer came first: the stage's only action succeeded; the stop found the execution
        // still running its last step (Stopped) or already done (not stoppable).
        expect(action.status).toBe('Succeeded');
        expect(['ok', 'PipelineExecutionNotStoppableException 400']).toContain(stopped);
        const final = stopped === 'ok' ? 'Stopped' : 'Succeeded';
        await waitForStatus(t.cp, name, id, final);
      } else {
        // The stop came first: the job was abandoned with its action and refuses the late answer.
        expect([stopped, answered]).toEqual(['ok', 'InvalidJobStateException 400']);
        expect(action).toMatchObject({ status: 'Abandoned', summary: 'r' });
        await waitForStatus(t.cp, name, id, 'Stopped');
      }
    }
  });
});

describe('answers that arrive after their timeout fell due, before the timer fired', () => {
  it('PutApprovalResult after the approval expired is refused, and the execution fails', async () => {
    const id = await started(pipelineOf('late-approval', [{ name: 'Approve', actions: [approvalAction('Approve', { timeoutInMinutes: 10 })] }]));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'late-approval' });
    const token = await approvalToken(t.cp, 'late-approval', 'Approve', 'Approve');
    clock.advance(11 * MINUTE); // due, but the engine's timer has not run yet
    const e = await failure(
      t.cp.send(new PutApprovalResultCommand({ pipelineName: 'late-approval', stageName: 'Approve', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ok' } })),
    );
    expect(e.name).toBe('ApprovalAlreadyCompletedException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    await waitForStatus(t.cp, 'late-approval', id, 'Failed');
    const action = (await stageState(t.cp, 'late-approval', 'Approve')).actionStates![0].latestExecution!;
    expect(action).toMatchObject({ status: 'Failed', summary: 'Approval request timed out', errorDetails: { code: 'TimeoutError', message: 'The approval request has expired.' } });
  });

  it('PutJobSuccessResult after the job timed out is refused, and the action fails', async () => {
    const id = await started(twoStages('late-job'));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'late-job' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'late-job-build' });
    clock.advance(DAY + MINUTE);
    const e = await failure(answer(job.id!));
    expect(e.name).toBe('InvalidJobStateException');
    expect(e.message).toBe(`Job '${job.id}' is in state TimedOut and cannot accept a result`);
    await waitForStatus(t.cp, 'late-job', id, 'Failed');
  });
});

describe('DeletePipeline while executions run', () => {
  it('jobs handed out before the delete are not found afterwards; nothing answers 500', async () => {
    await started(twoStages('del-jobs'));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'del-jobs' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'del-jobs-build' });
    await t.cp.send(new DeletePipelineCommand({ name: 'del-jobs' }));
    const notFound = `JobNotFoundException 400`;
    expect(await outcome(t.cp.send(new GetJobDetailsCommand({ jobId: job.id })))).toBe(notFound);
    expect(await outcome(t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce })))).toBe(notFound);
    expect(await outcome(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 'more' })))).toBe(notFound);
    expect(await outcome(answer(job.id!))).toBe(notFound);
    expect(await outcome(t.cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'x' } })))).toBe(notFound);
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: 'del-jobs-build' })).toEqual([]);
  });

  it('an approval token of a deleted pipeline, and timers that fall due afterwards, fail cleanly', async () => {
    await started(pipelineOf('del-approval', [{ name: 'Approve', actions: [approvalAction()] }]));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'del-approval' });
    const token = await approvalToken(t.cp, 'del-approval', 'Approve', 'Approve');
    await t.cp.send(new DeletePipelineCommand({ name: 'del-approval' }));
    const input = { pipelineName: 'del-approval', stageName: 'Approve', actionName: 'Approve', token, result: { status: 'Approved' as const, summary: 's' } };
    expect(await outcome(t.cp.send(new PutApprovalResultCommand(input)))).toBe('PipelineNotFoundException 400');
    clock.advance(8 * DAY);
    t.emu.engine.runDueTimers();
    // Re-created under the same name: the old token means nothing there.
    await started(pipelineOf('del-approval', [{ name: 'Approve', actions: [approvalAction()] }]));
    expect(await outcome(t.cp.send(new PutApprovalResultCommand(input)))).toBe('InvalidApprovalTokenException 400');
  });
});

describe('the stage lock across pipeline versions', () => {
  it('an execution of a new version never enters a stage an older-version execution still runs in', async () => {
    // v1: Source -> Build -> Deploy. The execution holds Deploy (index 2).
    const v1 = pipelineOf('lock-versions', [
      { name: 'Build', actions: [buildAction('Build', 'lock-versions-build')] },
      { name: 'Deploy', actions: [buildAction('Deploy', 'lock-versions-deploy')] },
    ]);
    const a = await started(v1);
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'lock-versions' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'lock-versions-build' });
    const deployA = await takeJob(t.cp, BUILD_TYPE, { Project: 'lock-versions-deploy' });
    expect(jobExecutionId(deployA)).toBe(a);
    // v2 swaps the stages: Deploy is now index 1. A keeps running Deploy and will end Cancelled.
    const v2 = pipelineOf('lock-versions', [
      { name: 'Deploy', actions: [buildAction('Deploy', 'lock-versions-deploy')] },
      { name: 'Build', actions: [buildAction('Build', 'lock-versions-build')] },
    ]);
    await t.cp.send(new UpdatePipelineCommand({ pipeline: { ...v2, version: 1 } }));
    const b = await startExecution(t.cp, 'lock-versions');
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: 'lock-versions' }))).toBe(b);
    // B waits in front of Deploy while A is inside it: no Deploy job for B yet.
    await until(() => stageState(t.cp, 'lock-versions', 'Deploy'), (s) => s.inboundExecution?.pipelineExecutionId === b);
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: 'lock-versions-deploy' })).toEqual([]);
    expect((await stageState(t.cp, 'lock-versions', 'Deploy')).latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    await answer(deployA.id!);
    await waitForStatus(t.cp, 'lock-versions', a, 'Cancelled');
    const deployB = await takeJob(t.cp, BUILD_TYPE, { Project: 'lock-versions-deploy' });
    expect(jobExecutionId(deployB)).toBe(b);
    await answer(deployB.id!);
    await succeed(t.cp, BUILD_TYPE, { Project: 'lock-versions-build' });
    await waitForStatus(t.cp, 'lock-versions', b, 'Succeeded');
  });
});

describe('superseding only what waits', () => {
  it('two executions started at once in front of a free stage: the older goes in, none is superseded', async () => {
    // Ten tries: two requests handled before the engine runs is the race (it happens almost every time).
    for (let i = 0; i < 10; i++) {
      const name = `free-stage-${i}`;
      await started(twoStages(name));
      await succeed(t.cp, SOURCE_TYPE, { Repo: name }); // the CreatePipeline execution moves on to Build and holds it
      const [a, b] = await Promise.all([startExecution(t.cp, name), startExecution(t.cp, name)]);
      const [older, newer] = (await executionStatuses(t.cp, name)).map(([id]) => id).filter((id) => id === a || id === b).reverse();
      // The older one runs Source; the newer one waits in front of it.
      const source = await takeJob(t.cp, SOURCE_TYPE, { Repo: name });
      expect(jobExecutionId(source)).toBe(older);
      const statuses = new Map(await executionStatuses(t.cp, name));
      expect([statuses.get(older), statuses.get(newer)]).toEqual(['InProgress', 'InProgress']);
      await answer(source.id!);
      // Once the older one left Source (waiting in front of the busy Build), the newer runs Source.
      expect(jobExecutionId(await takeJob(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(newer);
    }
  });
});

describe('the settling loop', () => {
  it('never needs more than a few passes, and never hits its guard, under a burst of superseding executions', async () => {
    const id = await started(twoStages('settle-burst'));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'settle-burst' });
    const build = await takeJob(t.cp, BUILD_TYPE, { Project: 'settle-burst-build' });
    expect(jobExecutionId(build)).toBe(id);
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      ids.push(await startExecution(t.cp, 'settle-burst'));
      await succeed(t.cp, SOURCE_TYPE, { Repo: 'settle-burst' });
    }
    await answer(build.id!);
    await succeed(t.cp, BUILD_TYPE, { Project: 'settle-burst-build' });
    const last = ids[ids.length - 1];
    await waitForStatus(t.cp, 'settle-burst', last, 'Succeeded');
    const statuses = new Map(await executionStatuses(t.cp, 'settle-burst'));
    expect(statuses.get(id)).toBe('Succeeded');
    for (const x of ids.slice(0, -1)) expect(statuses.get(x)).toBe('Superseded');
    expect(t.emu.engine.stats.unsettled).toBe(0);
    expect(t.emu.engine.stats.maxPasses).toBeGreaterThan(0);
    expect(t.emu.engine.stats.maxPasses).toBeLessThan(10);
  });

  it('GetPipelineState and ListPipelineExecutions agree on who is where', async () => {
    const name = 'state-agrees';
    const a = await started(twoStages(name));
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const buildA = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    const b = await startExecution(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const c = await startExecution(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await waitForStatus(t.cp, name, b, 'Superseded');
    const state = await t.cp.send(new GetPipelineStateCommand({ name }));
    const buildStage = state.stageStates!.find((s) => s.stageName === 'Build')!;
    expect(buildStage.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(buildStage.inboundExecution).toEqual({ pipelineExecutionId: c, status: 'InProgress' });
    expect(new Map(await executionStatuses(t.cp, name))).toEqual(new Map([[a, 'InProgress'], [b, 'Superseded'], [c, 'InProgress']]));
    await answer(buildA.id!);
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await waitForStatus(t.cp, name, c, 'Succeeded');
  });
});
