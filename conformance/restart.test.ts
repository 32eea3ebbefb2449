// Executions survive a crash: the real CLI entry runs as a child process on a data dir in a temp
// folder, is killed with SIGKILL mid-execution, and started again on the same data dir. The engine
// resumes from what the store says: waiting approvals keep their token, handed-out jobs stay
// answerable with their nonce, finished executions stay as they were, and nothing runs twice.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AcknowledgeJobCommand,
  CreatePipelineCommand,
  GetJobDetailsCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  PutJobSuccessResultCommand,
  StopPipelineExecutionCommand,
  type CodePipelineClient,
  type Job,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { client } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  approvalAction,
  approvalToken,
  buildAction,
  collectJobs,
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
import { useEntries } from './entryKit.js';


const entries = useEntries('cpl-restart-');
const launch = (dataDir: string) => entries.launch(['--data-dir', dataDir]);

/** A response without the SDK's per-request metadata, for before/after comparisons. */
async function snapshot(cp: CodePipelineClient, name: string) {
  const { $metadata: _s, ...state } = await cp.send(new GetPipelineStateCommand({ name }));
  const { $metadata: _l, ...list } = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }));
  return { state, list };
}

const waitForStage = (cp: CodePipelineClient, name: string, done: (s: StageState) => boolean) =>
  until(() => stageState(cp, name, 'Build'), done);

describe('executions across a SIGKILL of the CLI entry', () => {
  it('resume where they were: same approval token, answerable jobs, finished ones unchanged, nothing run twice', async () => {
    const dataDir = path.join(entries.tmp, 'data');
    const first = await launch(dataDir);
    let cp = client(first.endpoint);
    await createCustomTypes(cp);

    // 'done': runs to the end before the crash.
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('done', [{ name: 'Build', actions: [buildAction('Build', 'done-build')] }]) }));
    const doneId = await newestExecutionId(cp, 'done');
    await succeed(cp, SOURCE_TYPE, { Repo: 'done' }, { currentRevision: { revision: 'r-done', changeIdentifier: 'r-done' } });
    await succeed(cp, BUILD_TYPE, { Project: 'done-build' }, { outputVariables: { Built: 'yes' } });
    await waitForStatus(cp, 'done', doneId, 'Succeeded');

    // 'gated': Source (answered) -> Approval (waiting) -> Build.
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('gated', [
          { name: 'Gate', actions: [approvalAction()] },
          { name: 'Build', actions: [buildAction('Build', 'gated-build', { inputArtifacts: [{ name: 'SourceOut' }] })] },
        ]),
      }),
    );
    const gatedId = await newestExecutionId(cp, 'gated');
    const gatedSource = await succeed(cp, SOURCE_TYPE, { Repo: 'gated' });
    expect(jobExecutionId(gatedSource)).toBe(gatedId);
    const token = await approvalToken(cp, 'gated', 'Gate', 'Approve');

    // 'polled': its Build job is handed out (polled, not acknowledged, not answered).
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('polled', [{ name: 'Build', actions: [buildAction('Build', 'polled-build')] }]) }));
    const polledId = await newestExecutionId(cp, 'polled');
    await succeed(cp, SOURCE_TYPE, { Repo: 'polled' });
    const [polledJob]: Job[] = await collectJobs(cp, BUILD_TYPE, { Project: 'polled-build' }, 1);
    expect(jobExecutionId(polledJob)).toBe(polledId);
    expect(polledJob.nonce).toBeTruthy();

    const before = { done: await snapshot(cp, 'done'), gatedSource: await stageState(cp, 'gated', 'Source') };
    const doneExec = (await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'done', pipelineExecutionId: doneId }))).pipelineExecution;

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await launch(dataDir);
    cp = client(second.endpoint);

    // Finished executions stay finished, with the same history.
    expect(await snapshot(cp, 'done')).toEqual(before.done);
    expect((await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'done', pipelineExecutionId: doneId }))).pipelineExecution).toEqual(doneExec);

    // Nothing runs twice: no source job is queued again, the answered source stays as it was.
    for (const repo of ['done', 'gated', 'polled']) expect(await pollNow(cp, SOURCE_TYPE, { Repo: repo })).toEqual([]);
    expect(await pollNow(cp, BUILD_TYPE, { Project: 'done-build' })).toEqual([]);
    expect(await stageState(cp, 'gated', 'Source')).toEqual(before.gatedSource);

    // The approval still waits, with the same token, and answering it moves the execution on.
    expect(await executionStatus(cp, 'gated', gatedId)).toBe('InProgress');
    const gate = await stageState(cp, 'gated', 'Gate');
    expect(gate.latestExecution).toEqual({ pipelineExecutionId: gatedId, status: 'InProgress' });
    expect(gate.actionStates![0].latestExecution).toMatchObject({ status: 'InProgress', token });
    await cp.send(new PutApprovalResultCommand({ pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'after the crash' } }));
    const gatedBuild = await takeJob(cp, BUILD_TYPE, { Project: 'gated-build' });
    expect(jobExecutionId(gatedBuild)).toBe(gatedId);
    expect(gatedBuild.data?.inputArtifacts?.[0].location).toEqual(gatedSource.data?.outputArtifacts?.[0].location);
    await cp.send(new PutJobSuccessResultCommand({ jobId: gatedBuild.id }));
    await waitForStatus(cp, 'gated', gatedId, 'Succeeded');
    expect(await pollNow(cp, SOURCE_TYPE, { Repo: 'gated' })).toEqual([]);

    // The handed-out job is not handed out again, but is still the worker's: its nonce acknowledges it
    // and its result is accepted.
    expect(await pollNow(cp, BUILD_TYPE, { Project: 'polled-build' })).toEqual([]);
    const details = await cp.send(new GetJobDetailsCommand({ jobId: polledJob.id }));
    expect(details.jobDetails?.data).toEqual(polledJob.data);
    const ack = await cp.send(new AcknowledgeJobCommand({ jobId: polledJob.id, nonce: polledJob.nonce }));
    expect(ack.status).toBe('InProgress');
    await cp.send(new PutJobSuccessResultCommand({ jobId: polledJob.id }));
    await waitForStatus(cp, 'polled', polledId, 'Succeeded');

    // Every pipeline has exactly the one execution it had.
    for (const [name, id] of [['done', doneId], ['gated', gatedId], ['polled', polledId]]) {
      const list = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }));
      expect(list.pipelineExecutionSummaries!.map((s) => [s.pipelineExecutionId, s.status])).toEqual([[id, 'Succeeded']]);
    }

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
  it('keep queued executions waiting in order and a Stopping execution stopping', async () => {
    const dataDir = path.join(entries.tmp, 'data-2');
    const first = await launch(dataDir);
    let cp = client(first.endpoint);
    await createCustomTypes(cp);

    // 'queue' (V2, QUEUED): A holds Build, B waits in front of it.
    await cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('queue', [{ name: 'Build', actions: [buildAction('Build', 'queue-build')] }], { pipelineType: 'V2', executionMode: 'QUEUED' }),
      }),
    );
    const a = await newestExecutionId(cp, 'queue');
    await succeed(cp, SOURCE_TYPE, { Repo: 'queue' });
    const buildA = await takeJob(cp, BUILD_TYPE, { Project: 'queue-build' });
    expect(jobExecutionId(buildA)).toBe(a);
    const b = await startExecution(cp, 'queue');
    expect(jobExecutionId(await succeed(cp, SOURCE_TYPE, { Repo: 'queue' }))).toBe(b);
    await waitForStage(cp, 'queue', (s) => s.inboundExecutions?.[0]?.pipelineExecutionId === b);

    // 'halting': stop-and-wait while its Build job runs.
    await cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('halting', [{ name: 'Build', actions: [buildAction('Build', 'halting-build')] }, { name: 'Deploy', actions: [buildAction('Deploy', 'halting-deploy')] }]) }));
    const h = await newestExecutionId(cp, 'halting');
    await succeed(cp, SOURCE_TYPE, { Repo: 'halting' });
    const buildH = await takeJob(cp, BUILD_TYPE, { Project: 'halting-build' });
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'halting', pipelineExecutionId: h, reason: 'before the crash' }));
    expect(await executionStatus(cp, 'halting', h)).toBe('Stopping');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const second = await launch(dataDir);
    cp = client(second.endpoint);

    // The queue is as it was: A inside Build, B waiting; B's Build starts only after A's.
    const build = await stageState(cp, 'queue', 'Build');
    expect(build.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(build.inboundExecutions).toEqual([{ pipelineExecutionId: b, status: 'InProgress' }]);
    expect(await pollNow(cp, BUILD_TYPE, { Project: 'queue-build' })).toEqual([]);
    await cp.send(new PutJobSuccessResultCommand({ jobId: buildA.id }));
    await waitForStatus(cp, 'queue', a, 'Succeeded');
    expect(jobExecutionId(await succeed(cp, BUILD_TYPE, { Project: 'queue-build' }))).toBe(b);
    await waitForStatus(cp, 'queue', b, 'Succeeded');

    // The stopping execution is still Stopping with its reason; its job finishes it as Stopped.
    expect(await executionStatus(cp, 'halting', h)).toBe('Stopping');
    const summary = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'halting' }))).pipelineExecutionSummaries![0];
    expect(summary).toMatchObject({ pipelineExecutionId: h, status: 'Stopping', stopTrigger: { reason: 'before the crash' } });
    await cp.send(new PutJobSuccessResultCommand({ jobId: buildH.id }));
    await waitForStatus(cp, 'halting', h, 'Stopped');
    expect(await pollNow(cp, BUILD_TYPE, { Project: 'halting-deploy' })).toEqual([]);
    expect((await stageState(cp, 'halting', 'Deploy')).latestExecution).toBeUndefined();

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});
