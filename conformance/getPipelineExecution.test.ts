// GetPipelineExecution as a poller sees it: one read answers it (whether the pipeline exists, and the
// execution's shown columns, without its declaration), and every change of what it shows is in the
// very next answer, read cache or not. The oracle for the shared fields is ListPipelineExecutions.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineExecution,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, fail, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

const get = async (pipelineName: string, pipelineExecutionId: string): Promise<PipelineExecution> =>
  (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution!;

/** The fields GetPipelineExecution shares with the execution's ListPipelineExecutions summary agree. */
async function agreesWithList(pipelineName: string, id: string, exec: PipelineExecution) {
  const summary = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName }))).pipelineExecutionSummaries!.find((s) => s.pipelineExecutionId === id)!;
  expect({ status: exec.status, statusSummary: exec.statusSummary, trigger: exec.trigger, executionMode: exec.executionMode, executionType: exec.executionType }).toEqual({
    status: summary.status,
    statusSummary: summary.statusSummary,
    trigger: summary.trigger,
    executionMode: summary.executionMode,
    executionType: summary.executionType,
  });
}

const build = (name: string) => [{ name: 'Build', actions: [buildAction('Build', name, { inputArtifacts: [{ name: 'SourceOut' }] })] }];
const v2 = (name: string) =>
  pipelineOf(name, build(name), { pipelineType: 'V2', executionMode: 'QUEUED', variables: [{ name: 'Env', defaultValue: 'dev' }] });

describe('GetPipelineExecution', () => {
  it('shows each change of the execution in the next answer: start, source revision, status, failure', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: v2('gpe-changes') }));
    // The execution CreatePipeline started runs first (QUEUED): finish it, then start the one under test.
    const first = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'gpe-changes' }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'gpe-changes' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'gpe-changes' });
    await waitForStatus(t.cp, 'gpe-changes', first, 'Succeeded');

    const { pipelineExecutionId: id } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'gpe-changes', variables: [{ name: 'Env', value: 'prod' }] }));
    const started = await get('gpe-changes', id!);
    expect(started).toEqual({
      pipelineName: 'gpe-changes',
      pipelineVersion: 1,
      pipelineExecutionId: id,
      status: 'InProgress',
      artifactRevisions: [],
      variables: [{ name: 'Env', resolvedValue: 'prod' }],
      trigger: { triggerType: 'StartPipelineExecution', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` },
      executionMode: 'QUEUED',
      executionType: 'STANDARD',
    });
    await agreesWithList('gpe-changes', id!, started);
    // Asked again with nothing changed: the same answer (from the read cache).
    expect(await get('gpe-changes', id!)).toEqual(started);

    // The source reports its revision: the next answer carries it.
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'gpe-changes' }, { currentRevision: { revision: 'rev-2', changeIdentifier: 'change-2', revisionSummary: 'second' } });
    const withRevision = await until(
      () => get('gpe-changes', id!),
      (e) => (e.artifactRevisions ?? []).length > 0,
    );
    expect(withRevision.artifactRevisions).toEqual([
      { name: 'SourceOut', revisionId: 'rev-2', revisionChangeIdentifier: 'change-2', revisionSummary: 'second', created: expect.any(Date) },
    ]);
    expect(withRevision.status).toBe('InProgress');

    // The build fails: the execution fails, and the very next answer says so.
    await fail(t.cp, BUILD_TYPE, { Project: 'gpe-changes' }, 'compile error');
    const failed = await until(
      () => get('gpe-changes', id!),
      (e) => e.status !== 'InProgress',
    );
    expect(failed.status).toBe('Failed');
    expect(failed.artifactRevisions).toEqual(withRevision.artifactRevisions);
    await agreesWithList('gpe-changes', id!, failed);
  });

  it('shows a stop: Stopping while an action runs, then Stopped with its summary', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('gpe-stop', build('gpe-stop')) }));
    const id = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'gpe-stop' }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'gpe-stop' });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'gpe-stop' });
    expect(job.id).toBeDefined();
    await t.cp.send(new StopPipelineExecutionCommand({ pipelineName: 'gpe-stop', pipelineExecutionId: id, reason: 'enough' }));
    const stopping = await get('gpe-stop', id);
    expect(stopping.status).toBe('Stopping');
    await agreesWithList('gpe-stop', id, stopping);
    await t.cp.send(new StopPipelineExecutionCommand({ pipelineName: 'gpe-stop', pipelineExecutionId: id, abandon: true, reason: 'now' }));
    const stopped = await until(
      () => get('gpe-stop', id),
      (e) => e.status === 'Stopped',
    );
    await agreesWithList('gpe-stop', id, stopped);
  });

  it('errors: an unknown pipeline, an execution of another pipeline or region, a deleted pipeline', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('gpe-a', build('gpe-a')) }));
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('gpe-b', build('gpe-b')) }));
    const idA = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'gpe-a' }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expectAwsError(
      t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'gpe-none', pipelineExecutionId: idA })),
      'PipelineNotFoundException',
      `Account '${ACCOUNT}' does not have a pipeline with name 'gpe-none'`,
    );
    await expectAwsError(
      t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'gpe-a', pipelineExecutionId: unknown })),
      'PipelineExecutionNotFoundException',
      `Pipeline execution with id '${unknown}' does not exist in pipeline with name 'gpe-a'.`,
    );
    // An execution of gpe-a is not one of gpe-b's, nor visible from another region.
    await expectAwsError(
      t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'gpe-b', pipelineExecutionId: idA })),
      'PipelineExecutionNotFoundException',
      `Pipeline execution with id '${idA}' does not exist in pipeline with name 'gpe-b'.`,
    );
    await expectAwsError(
      client(t.emu.endpoint, { region: 'eu-west-1' }).send(new GetPipelineExecutionCommand({ pipelineName: 'gpe-a', pipelineExecutionId: idA })),
      'PipelineNotFoundException',
    );
    expect((await get('gpe-a', idA)).pipelineExecutionId).toBe(idA);
    await t.cp.send(new DeletePipelineCommand({ name: 'gpe-a' }));
    await expectAwsError(t.cp.send(new GetPipelineExecutionCommand({ pipelineName: 'gpe-a', pipelineExecutionId: idA })), 'PipelineNotFoundException');
  });
});
