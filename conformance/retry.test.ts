// RetryStageExecution (both modes and its errors) and UpdatePipeline cancelling running executions.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  PollForJobsCommand,
  PutJobSuccessResultCommand,
  RetryStageExecutionCommand,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { failure, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, fail, newestExecutionId, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

/** A pipeline whose Build stage runs A and B in parallel, then C. */
async function twoGroupPipeline(name: string) {
  await t.cp.send(
    new CreatePipelineCommand({
      pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('A', `${name}-a`), buildAction('B', `${name}-b`), buildAction('C', `${name}-c`, { runOrder: 2 })] }]),
    }),
  );
  const id = await newestExecutionId(t.cp, name);
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  return id;
}

const pollNone = async (project: string) =>
  (await t.cp.send(new PollForJobsCommand({ actionTypeId: BUILD_TYPE, queryParam: { Project: project } }))).jobs;

describe('RetryStageExecution', () => {
  it('FAILED_ACTIONS re-runs only the failed action, then the rest of the stage', async () => {
    const id = await twoGroupPipeline('retry-failed');
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-failed-a' });
    await fail(t.cp, BUILD_TYPE, { Project: 'retry-failed-b' });
    await waitForStatus(t.cp, 'retry-failed', id, 'Failed');
    const out = await t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-failed', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' }));
    expect(out.pipelineExecutionId).toBe(id);
    expect(await (await import('./engineKit.js')).executionStatus(t.cp, 'retry-failed', id)).toBe('InProgress');
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-failed-b' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-failed-c' });
    await waitForStatus(t.cp, 'retry-failed', id, 'Succeeded');
    // A succeeded in the first attempt and was not asked again.
    expect(await pollNone('retry-failed-a')).toEqual([]);
  });

  it('ALL_ACTIONS re-runs every action of the stage', async () => {
    const id = await twoGroupPipeline('retry-all');
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-all-a' });
    await fail(t.cp, BUILD_TYPE, { Project: 'retry-all-b' });
    await waitForStatus(t.cp, 'retry-all', id, 'Failed');
    await t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-all', stageName: 'Build', pipelineExecutionId: id, retryMode: 'ALL_ACTIONS' }));
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-all-a' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-all-b' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-all-c' });
    await waitForStatus(t.cp, 'retry-all', id, 'Succeeded');
  });

  it('rejects retrying a stage that did not fail, an old execution, or a missing stage', async () => {
    const id = await twoGroupPipeline('retry-errors');
    const busy = await failure(t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-errors', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' })));
    expect(busy.name).toBe('StageNotRetryableException');
    expect(busy.$metadata.httpStatusCode).toBe(400);
    await fail(t.cp, BUILD_TYPE, { Project: 'retry-errors-a' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'retry-errors-b' });
    await waitForStatus(t.cp, 'retry-errors', id, 'Failed');
    // A newer execution runs the stage: the first one is no longer the latest there.
    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name: 'retry-errors' }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'retry-errors' });
    await takeJob(t.cp, BUILD_TYPE, { Project: 'retry-errors-a' });
    const old = await failure(t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-errors', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' })));
    expect(old.name).toBe('NotLatestPipelineExecutionException');
    const noStage = await failure(t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-errors', stageName: 'Nope', pipelineExecutionId: second, retryMode: 'FAILED_ACTIONS' })));
    expect(noStage.name).toBe('StageNotFoundException');
    const noExec = await failure(
      t.cp.send(new RetryStageExecutionCommand({ pipelineName: 'retry-errors', stageName: 'Build', pipelineExecutionId: '00000000-0000-0000-0000-000000000000', retryMode: 'FAILED_ACTIONS' })),
    );
    expect(noExec.name).toBe('PipelineExecutionNotFoundException');
  });
});

describe('UpdatePipeline', () => {
  it('lets running actions finish, then cancels the execution', async () => {
    const id = await twoGroupPipeline('update-cancel');
    const a = await takeJob(t.cp, BUILD_TYPE, { Project: 'update-cancel-a' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'update-cancel-b' });
    const decl = (await t.cp.send(new GetPipelineCommand({ name: 'update-cancel' }))).pipeline!;
    await t.cp.send(new UpdatePipelineCommand({ pipeline: decl }));
    // The in-progress action can still report; nothing after it starts.
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: a.id }));
    await waitForStatus(t.cp, 'update-cancel', id, 'Cancelled');
    expect(await pollNone('update-cancel-c')).toEqual([]);
    const state = await until(
      () => t.cp.send(new GetPipelineStateCommand({ name: 'update-cancel' })),
      (s) => s.stageStates?.[1].latestExecution?.status === 'Cancelled',
    );
    expect(state.pipelineVersion).toBe(2);
  });
});
