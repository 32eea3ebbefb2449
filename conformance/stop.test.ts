// StopPipelineExecution. AWS user guide, "Stop a pipeline execution", and the API reference:
// - stop and wait: the execution is Stopping while in-progress actions complete (Succeeded or
//   Failed); no subsequent action starts; then the execution is Stopped and the stage unlocks;
//   while it is Stopping the caller may still choose to abandon;
// - stop and abandon: in-progress actions are Abandoned at once and the execution becomes Stopped;
// - DuplicatedStopRequestException: a second stop-and-wait, or a second abandon;
//   PipelineExecutionNotStoppableException: the execution is no longer in progress;
// - the reason shows as stopTrigger.reason in ListPipelineExecutions.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StopPipelineExecutionCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  buildAction,
  createCustomTypes,
  executionStatus,
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

const t = useEmulator({ setup: createCustomTypes });

/** Source -> Build (First, then Second at runOrder 2) -> Deploy. */
function pipeline(name: string): PipelineDeclaration {
  return pipelineOf(name, [
    { name: 'Build', actions: [buildAction('First', `${name}-first`), buildAction('Second', `${name}-second`, { runOrder: 2 })] },
    { name: 'Deploy', actions: [buildAction('Deploy', `${name}-deploy`)] },
  ]);
}

/** Creates the pipeline and brings its first execution to the point where First's job is taken, unanswered. */
async function holdFirst(name: string, decl: PipelineDeclaration = pipeline(name)) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: decl }));
  const id = await newestExecutionId(t.cp, name);
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  const job = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-first` });
  expect(jobExecutionId(job)).toBe(id);
  return { id, job };
}

const stop = (pipelineName: string, pipelineExecutionId: string, extra: { abandon?: boolean; reason?: string } = {}) =>
  t.cp.send(new StopPipelineExecutionCommand({ pipelineName, pipelineExecutionId, ...extra }));

const action = async (pipeline: string, stage: string, name: string) =>
  (await stageState(t.cp, pipeline, stage)).actionStates!.find((a) => a.actionName === name)!;

async function summaryOf(pipelineName: string, id: string) {
  const out = await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName }));
  return out.pipelineExecutionSummaries!.find((s) => s.pipelineExecutionId === id)!;
}

describe('StopPipelineExecution: stop and wait', () => {
  it('lets the in-progress action finish, starts nothing after it, then stops', async () => {
    const name = 'stop-wait';
    const { id, job } = await holdFirst(name);

    const out = await stop(name, id, { reason: 'hold the release' });
    expect(out.pipelineExecutionId).toBe(id);
    expect(await executionStatus(t.cp, name, id)).toBe('Stopping');
    const summary = await summaryOf(name, id);
    expect(summary.status).toBe('Stopping');
    expect(summary.stopTrigger).toEqual({ reason: 'hold the release' });
    // The action keeps running.
    expect((await action(name, 'Build', 'First')).latestExecution?.status).toBe('InProgress');

    // A second stop-and-wait is a duplicate.
    const dup = await failure(stop(name, id));
    expect(dup.name).toBe('DuplicatedStopRequestException');
    expect(dup.$metadata.httpStatusCode).toBe(400);

    // The job can still be answered; the execution then stops without starting Second or Deploy.
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, name, id, 'Stopped');
    const build = await stageState(t.cp, name, 'Build');
    expect(build.latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopped' });
    expect(build.actionStates!.find((a) => a.actionName === 'First')!.latestExecution?.status).toBe('Succeeded');
    expect(build.actionStates!.find((a) => a.actionName === 'Second')!.latestExecution).toBeUndefined();
    const deploy = await stageState(t.cp, name, 'Deploy');
    expect(deploy.latestExecution).toBeUndefined();
    expect(deploy.actionStates![0].latestExecution).toBeUndefined();
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-second` })).toEqual([]);
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-deploy` })).toEqual([]);
    expect((await summaryOf(name, id)).stopTrigger).toEqual({ reason: 'hold the release' });

    // A stopped execution cannot be stopped again.
    const again = await failure(stop(name, id, { abandon: true }));
    expect(again.name).toBe('PipelineExecutionNotStoppableException');
  });

  it('keeps a failure of the in-progress action, and still ends Stopped', async () => {
    const name = 'stop-wait-fail';
    const { id, job } = await holdFirst(name);
    await stop(name, id);
    await t.cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'broke while stopping' } }));
    await waitForStatus(t.cp, name, id, 'Stopped');
    expect((await action(name, 'Build', 'First')).latestExecution).toMatchObject({
      status: 'Failed',
      errorDetails: { code: 'JobFailed', message: 'broke while stopping' },
    });
    expect((await stageState(t.cp, name, 'Build')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopped' });
    expect((await stageState(t.cp, name, 'Deploy')).latestExecution).toBeUndefined();
  });

  // AWS reports the stage as 'Stopping' (StageExecutionStatus has it for exactly this) until its in-progress actions finish.
  it('shows the stage as Stopping while its in-progress action finishes', async () => {
    const name = 'stop-wait-stage';
    const { id, job } = await holdFirst(name);
    await stop(name, id);
    expect(await executionStatus(t.cp, name, id)).toBe('Stopping');
    expect((await stageState(t.cp, name, 'Build')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopping' });
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, name, id, 'Stopped');
    expect((await stageState(t.cp, name, 'Build')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopped' });
  });

  // Once the in-progress actions are complete the execution is Stopped, even in the last stage.
  it('ends Stopped, not Succeeded, when the last in-progress action of the last stage succeeds', async () => {
    const name = 'stop-wait-last';
    const decl = pipelineOf(name, [{ name: 'Build', actions: [buildAction('First', `${name}-first`)] }]);
    const { id, job } = await holdFirst(name, decl);
    await stop(name, id);
    expect(await executionStatus(t.cp, name, id)).toBe('Stopping');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    // Both documents say the execution becomes Stopped once the in-progress actions are complete.
    await until(
      () => executionStatus(t.cp, name, id),
      (s) => s !== 'Stopping',
    );
    expect(await executionStatus(t.cp, name, id)).toBe('Stopped');
    expect((await action(name, 'Build', 'First')).latestExecution?.status).toBe('Succeeded');
  });

  it('may be followed by an abandon while the execution is Stopping', async () => {
    const name = 'stop-wait-abandon';
    const { id, job } = await holdFirst(name);
    await stop(name, id);
    expect(await executionStatus(t.cp, name, id)).toBe('Stopping');
    const out = await stop(name, id, { abandon: true });
    expect(out.pipelineExecutionId).toBe(id);
    expect((await action(name, 'Build', 'First')).latestExecution?.status).toBe('Abandoned');
    await waitForStatus(t.cp, name, id, 'Stopped');
    expect((await stageState(t.cp, name, 'Build')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopped' });
    const late = await failure(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id })));
    expect(late.name).toBe('InvalidJobStateException');
  });
});

describe('StopPipelineExecution: stop and abandon', () => {
  it('abandons the in-progress action at once and stops; the abandoned job takes no result', async () => {
    const name = 'stop-abandon';
    const { id, job } = await holdFirst(name);

    await stop(name, id, { abandon: true, reason: 'wrong commit' });
    // Abandoned as part of the request, not later.
    const first = (await action(name, 'Build', 'First')).latestExecution!;
    expect(first.status).toBe('Abandoned');
    await waitForStatus(t.cp, name, id, 'Stopped');

    const build = await stageState(t.cp, name, 'Build');
    expect(build.latestExecution).toEqual({ pipelineExecutionId: id, status: 'Stopped' });
    expect(build.actionStates!.find((a) => a.actionName === 'Second')!.latestExecution).toBeUndefined();
    expect((await stageState(t.cp, name, 'Deploy')).latestExecution).toBeUndefined();
    const summary = await summaryOf(name, id);
    expect(summary.status).toBe('Stopped');
    expect(summary.stopTrigger).toEqual({ reason: 'wrong commit' });

    // The worker comes back with a result for the abandoned job: the job is no longer open.
    const ok = await failure(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id })));
    expect(ok.name).toBe('InvalidJobStateException');
    expect(ok.$metadata.httpStatusCode).toBe(400);
    const ko = await failure(t.cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'late' } })));
    expect(ko.name).toBe('InvalidJobStateException');
    // Nothing changed by the late answers.
    expect((await action(name, 'Build', 'First')).latestExecution?.status).toBe('Abandoned');
    expect(await executionStatus(t.cp, name, id)).toBe('Stopped');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-second` })).toEqual([]);

    // The stage is unlocked: a new execution runs through it.
    const next = await startExecution(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(next);
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, { Project: `${name}-first` }))).toBe(next);
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, { Project: `${name}-second` }))).toBe(next);
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` }))).toBe(next);
    await waitForStatus(t.cp, name, next, 'Succeeded');
  });
});

describe('StopPipelineExecution: an execution waiting in front of a stage', () => {
  it('stops it without it ever entering the stage', async () => {
    const name = 'stop-inbound';
    const { id: a, job: firstA } = await holdFirst(name);
    const b = await startExecution(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(b);
    await until(
      () => stageState(t.cp, name, 'Build'),
      (s) => s.inboundExecution?.pipelineExecutionId === b,
    );

    await stop(name, b, { reason: 'not this one' });
    await waitForStatus(t.cp, name, b, 'Stopped');
    const build = await stageState(t.cp, name, 'Build');
    expect(build.inboundExecution).toBeUndefined();
    expect(build.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect((await summaryOf(name, b)).stopTrigger).toEqual({ reason: 'not this one' });
    expect(await executionStatus(t.cp, name, a)).toBe('InProgress');

    // A finishes; B never runs Build.
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: firstA.id }));
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, { Project: `${name}-second` }))).toBe(a);
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` }))).toBe(a);
    await waitForStatus(t.cp, name, a, 'Succeeded');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-first` })).toEqual([]);
    expect(await executionStatus(t.cp, name, b)).toBe('Stopped');
  });
});

describe('StopPipelineExecution: errors', () => {
  it('answers the AWS errors for unknown and finished executions', async () => {
    const name = 'stop-errors';
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('Build', `${name}-build`)] }]) }));
    const id = await newestExecutionId(t.cp, name);

    const missing = await failure(stop(name, '00000000-0000-0000-0000-000000000000'));
    expect(missing.name).toBe('PipelineExecutionNotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const noPipeline = await failure(stop('stop-errors-nope', id));
    expect(noPipeline.name).toBe('PipelineNotFoundException');
    // An execution id of another pipeline is not found in this one.
    const other = await failure(stop('stop-wait', id));
    expect(other.name).toBe('PipelineExecutionNotFoundException');

    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const done = await failure(stop(name, id));
    expect(done.name).toBe('PipelineExecutionNotStoppableException');
    expect(done.$metadata.httpStatusCode).toBe(400);
    const doneAbandon = await failure(stop(name, id, { abandon: true }));
    expect(doneAbandon.name).toBe('PipelineExecutionNotStoppableException');
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec.status).toBe('Succeeded');
    expect((await summaryOf(name, id)).stopTrigger).toBeUndefined();
  });
});
