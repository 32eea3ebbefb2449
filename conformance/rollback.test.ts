// RollbackStage through the SDK: a manual rollback re-runs the stage in a ROLLBACK execution with an
// earlier execution's artifacts; and each reason AWS refuses one.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  PutJobSuccessResultCommand,
  RollbackStageCommand,
  UpdatePipelineCommand,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  buildAction,
  createCustomTypes,
  fail,
  newestExecutionId,
  pipelineOf,
  pollNow,
  stageState,
  startExecution,
  succeed,
  takeJob,
  waitForStatus,
} from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

const deployStage = (name: string): StageDeclaration => ({
  name: 'Deploy',
  actions: [buildAction('Deploy', `${name}-deploy`, { inputArtifacts: [{ name: 'SourceOut' }] })],
});

async function create(name: string, extra: object = {}) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [deployStage(name)], { pipelineType: 'V2', ...extra }) }));
  return newestExecutionId(t.cp, name);
}

/** Runs one execution through (source, then the deploy job) and returns its id and deploy job. */
async function runThrough(name: string, id?: string) {
  const executionId = id ?? (await startExecution(t.cp, name));
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  const job = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
  await waitForStatus(t.cp, name, executionId, 'Succeeded');
  return { id: executionId, job };
}

const rollback = (pipelineName: string, targetPipelineExecutionId: string, stageName = 'Deploy') =>
  t.cp.send(new RollbackStageCommand({ pipelineName, stageName, targetPipelineExecutionId }));

async function refused(p: Promise<unknown>) {
  const e = await failure(p);
  return [e.name, e.$metadata.httpStatusCode];
}

/** UnableToRollbackStageException (400) with its message. */
async function unable(p: Promise<unknown>) {
  const e = await failure(p);
  expect([e.name, e.$metadata.httpStatusCode]).toEqual(['UnableToRollbackStageException', 400]);
  return e.message;
}

describe('RollbackStage', () => {
  it('re-runs the stage with the target execution artifacts, in a new ROLLBACK execution', async () => {
    const name = 'rb-manual';
    const first = await runThrough(name, await create(name));
    const second = await runThrough(name);
    expect(second.job.data!.inputArtifacts).not.toEqual(first.job.data!.inputArtifacts);

    const out = await rollback(name, first.id);
    const id = out.pipelineExecutionId!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec).toMatchObject({
      pipelineExecutionId: id,
      pipelineVersion: 1,
      status: 'InProgress',
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: first.id },
      trigger: { triggerType: 'ManualRollback', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` },
    });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    expect(job.data!.pipelineContext!.pipelineExecutionId).toBe(id);
    expect(job.data!.inputArtifacts).toEqual(first.job.data!.inputArtifacts);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, name, id, 'Succeeded');
    // Only the rolled-back stage ran.
    expect(await pollNow(t.cp, SOURCE_TYPE, { Repo: name })).toEqual([]);
    expect((await stageState(t.cp, name, 'Deploy')).latestExecution).toEqual({ pipelineExecutionId: id, status: 'Succeeded', type: 'ROLLBACK' });
    expect((await stageState(t.cp, name, 'Source')).latestExecution).toEqual({ pipelineExecutionId: second.id, status: 'Succeeded' });

    // Rolling forward again to the second execution is a rollback too.
    const forward = (await rollback(name, second.id)).pipelineExecutionId!;
    const forwardJob = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    expect(forwardJob.data!.inputArtifacts).toEqual(second.job.data!.inputArtifacts);
    await waitForStatus(t.cp, name, forward, 'Succeeded');
  });

  it('refuses what cannot be rolled back', async () => {
    const name = 'rb-errors';
    const first = await runThrough(name, await create(name));
    const second = await runThrough(name);

    expect(await refused(rollback('rb-nope', first.id))).toEqual(['PipelineNotFoundException', 400]);
    expect(await refused(rollback(name, first.id, 'Nope'))).toEqual(['StageNotFoundException', 400]);
    expect(await refused(rollback(name, '00000000-0000-0000-0000-000000000000'))).toEqual(['PipelineExecutionNotFoundException', 400]);
    expect(await refused(rollback(name, 'not-an-id'))).toEqual(['ValidationException', 400]);
    // The source stage.
    expect(await unable(rollback(name, first.id, 'Source'))).toBe("Unable to roll back stage 'Source': a source stage cannot be rolled back");
    // The execution the stage already runs.
    expect(await unable(rollback(name, second.id))).toBe(
      `Unable to roll back stage 'Deploy': pipeline execution '${second.id}' is already the current execution of the stage`,
    );

    // An execution that failed in the stage.
    const failed = await startExecution(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await fail(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, failed, 'Failed');
    expect(await unable(rollback(name, failed))).toBe(`Unable to roll back stage 'Deploy': it did not succeed in pipeline execution '${failed}'`);

    // A rollback execution is no target; the one it rolled back to is now current.
    const rb = (await rollback(name, first.id)).pipelineExecutionId!;
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, rb, 'Succeeded');
    expect(await unable(rollback(name, rb))).toBe(
      `Unable to roll back stage 'Deploy': pipeline execution '${rb}' is a rollback execution and cannot be a rollback target`,
    );
    expect(await unable(rollback(name, first.id))).toBe(
      `Unable to roll back stage 'Deploy': pipeline execution '${first.id}' is already the current execution of the stage`,
    );

    // The stage is running.
    const running = await startExecution(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    expect(await unable(rollback(name, second.id))).toBe(`Unable to roll back stage 'Deploy': it is currently running in pipeline execution '${running}'`);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(t.cp, name, running, 'Succeeded');

    // After an update, earlier executions ran an outdated pipeline version.
    const decl = (await t.cp.send(new GetPipelineCommand({ name }))).pipeline!;
    await t.cp.send(new UpdatePipelineCommand({ pipeline: decl }));
    expect(await refused(rollback(name, second.id))).toEqual(['PipelineExecutionOutdatedException', 400]);
  });

  it('is not available to pipelines in PARALLEL execution mode', async () => {
    const name = 'rb-parallel';
    const first = await runThrough(name, await create(name, { executionMode: 'PARALLEL' }));
    await runThrough(name);
    expect(await unable(rollback(name, first.id))).toBe(
      "Unable to roll back stage 'Deploy': rollback is not supported for pipelines in PARALLEL execution mode",
    );
  });
});
