// Execution modes end to end: SUPERSEDED (the default, V1 and V2), QUEUED and PARALLEL (V2 only).
// AWS user guide, "How pipeline executions work" / "Set or change the pipeline execution mode":
// - every mode but PARALLEL locks a stage while one execution runs in it; others wait in front of it;
// - SUPERSEDED: of the executions waiting in front of a stage, a newer one supersedes the older one
//   (status Superseded); an execution inside a stage is never overtaken;
// - QUEUED: executions are processed one by one in the order they were queued, none superseded;
// - PARALLEL: executions run simultaneously and independently, and don't wait for each other.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  PutJobSuccessResultCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  buildAction,
  collectJobs,
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

const t = useEmulator({ setup: createCustomTypes });

/** Source -> Build -> Deploy; Build and Deploy poll on their own Project values. */
function threeStages(name: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return pipelineOf(
    name,
    [
      { name: 'Build', actions: [buildAction('Build', `${name}-build`, { inputArtifacts: [{ name: 'SourceOut' }] })] },
      { name: 'Deploy', actions: [buildAction('Deploy', `${name}-deploy`)] },
    ],
    extra,
  );
}

/** Source -> Build. */
function twoStages(name: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return pipelineOf(name, [{ name: 'Build', actions: [buildAction('Build', `${name}-build`, { inputArtifacts: [{ name: 'SourceOut' }] })] }], extra);
}

const answer = (jobId: string) => t.cp.send(new PutJobSuccessResultCommand({ jobId }));
const byId = <T extends { pipelineExecutionId?: string }>(xs: T[]) => [...xs].sort((a, b) => a.pipelineExecutionId!.localeCompare(b.pipelineExecutionId!));

describe('SUPERSEDED (the default)', () => {
  it.each([
    ['V1', 'sup-v1', {}],
    ['V2', 'sup-v2', { pipelineType: 'V2' as const }],
  ])('%s: a waiting execution is superseded by a newer one; nothing overtakes an execution inside a stage', async (_type, name, extra) => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: threeStages(name, extra) }));
    const build = { Project: `${name}-build` };
    const deploy = { Project: `${name}-deploy` };

    // A (started by CreatePipeline) passes Source and holds Build: its job is taken but not answered.
    const a = await newestExecutionId(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(a);
    const buildA = await takeJob(t.cp, BUILD_TYPE, build);
    expect(jobExecutionId(buildA)).toBe(a);

    // B passes Source and waits in front of the locked Build stage.
    const b = await startExecution(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }, { currentRevision: { revision: 'rev-b', changeIdentifier: 'rev-b' } }))).toBe(b);
    let buildStage = await until(
      () => stageState(t.cp, name, 'Build'),
      (s) => s.inboundExecution?.pipelineExecutionId === b,
    );
    expect(buildStage.inboundExecution).toEqual({ pipelineExecutionId: b, status: 'InProgress' });
    expect(buildStage.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(await pollNow(t.cp, BUILD_TYPE, build)).toEqual([]);

    // C passes Source too: arriving in front of Build, it supersedes B.
    const c = await startExecution(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(c);
    await waitForStatus(t.cp, name, b, 'Superseded');
    buildStage = await stageState(t.cp, name, 'Build');
    expect(buildStage.inboundExecution).toEqual({ pipelineExecutionId: c, status: 'InProgress' });
    expect(buildStage.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(await pollNow(t.cp, BUILD_TYPE, build)).toEqual([]);
    expect(await executionStatus(t.cp, name, a)).toBe('InProgress');
    expect(await executionStatus(t.cp, name, c)).toBe('InProgress');

    // A moves on and holds Deploy; C enters Build behind it.
    await answer(buildA.id!);
    const deployA = await takeJob(t.cp, BUILD_TYPE, deploy);
    expect(jobExecutionId(deployA)).toBe(a);
    const buildC = await takeJob(t.cp, BUILD_TYPE, build);
    expect(jobExecutionId(buildC)).toBe(c);
    await answer(buildC.id!);

    // C waits in front of Deploy: it does not overtake A, which is still inside.
    const deployStage = await until(
      () => stageState(t.cp, name, 'Deploy'),
      (s) => s.inboundExecution?.pipelineExecutionId === c,
    );
    expect(deployStage.inboundExecution).toEqual({ pipelineExecutionId: c, status: 'InProgress' });
    expect(deployStage.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(await pollNow(t.cp, BUILD_TYPE, deploy)).toEqual([]);

    await answer(deployA.id!);
    await waitForStatus(t.cp, name, a, 'Succeeded');
    expect(jobExecutionId(await succeed(t.cp, BUILD_TYPE, deploy))).toBe(c);
    await waitForStatus(t.cp, name, c, 'Succeeded');

    // B never ran Build; the list is newest first.
    expect(await pollNow(t.cp, BUILD_TYPE, build)).toEqual([]);
    expect(await executionStatuses(t.cp, name)).toEqual([
      [c, 'Succeeded'],
      [b, 'Superseded'],
      [a, 'Succeeded'],
    ]);
    const superseded = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: b }))).pipelineExecution!;
    expect(superseded).toMatchObject({ pipelineExecutionId: b, status: 'Superseded', executionMode: 'SUPERSEDED' });
    // What B's source produced stays on record.
    expect(superseded.artifactRevisions?.map((r) => r.revisionId)).toEqual(['rev-b']);
    const finalBuild = await stageState(t.cp, name, 'Build');
    expect(finalBuild.latestExecution).toEqual({ pipelineExecutionId: c, status: 'Succeeded' });
    expect(finalBuild.inboundExecution).toBeUndefined();
  });
});

describe('QUEUED (V2)', () => {
  it('passes a locked stage one execution at a time, in start order, superseding none', async () => {
    const name = 'queued';
    await t.cp.send(new CreatePipelineCommand({ pipeline: twoStages(name, { pipelineType: 'V2', executionMode: 'QUEUED' }) }));
    const build = { Project: `${name}-build` };
    const a = await newestExecutionId(t.cp, name);
    expect(jobExecutionId(await succeed(t.cp, SOURCE_TYPE, { Repo: name }))).toBe(a);
    const buildA = await takeJob(t.cp, BUILD_TYPE, build);
    expect(jobExecutionId(buildA)).toBe(a);

    const b = await startExecution(t.cp, name);
    const c = await startExecution(t.cp, name);
    const d = await startExecution(t.cp, name);

    // Source is a locked stage as well: one source job at a time, in start order.
    for (const expected of [b, c, d]) {
      const jobs = await collectJobs(t.cp, SOURCE_TYPE, { Repo: name }, 1);
      expect(jobs.map(jobExecutionId)).toEqual([expected]);
      await answer(jobs[0].id!);
    }

    // All three wait in front of Build, none superseded.
    const waiting = await until(
      () => stageState(t.cp, name, 'Build'),
      (s) => (s.inboundExecutions ?? []).length === 3,
    );
    expect(byId(waiting.inboundExecutions!)).toEqual(byId([b, c, d].map((id) => ({ pipelineExecutionId: id, status: 'InProgress' }))));
    expect(waiting.latestExecution).toEqual({ pipelineExecutionId: a, status: 'InProgress' });
    expect(await pollNow(t.cp, BUILD_TYPE, build)).toEqual([]);
    expect(await executionStatuses(t.cp, name)).toEqual([
      [d, 'InProgress'],
      [c, 'InProgress'],
      [b, 'InProgress'],
      [a, 'InProgress'],
    ]);

    // Each Build job appears only once the one before is done, in start order.
    await answer(buildA.id!);
    for (const expected of [b, c, d]) {
      const jobs = await collectJobs(t.cp, BUILD_TYPE, build, 1);
      expect(jobs.map(jobExecutionId)).toEqual([expected]);
      expect((await stageState(t.cp, name, 'Build')).latestExecution).toEqual({ pipelineExecutionId: expected, status: 'InProgress' });
      await answer(jobs[0].id!);
      await waitForStatus(t.cp, name, expected, 'Succeeded');
    }
    expect(await executionStatuses(t.cp, name)).toEqual([
      [d, 'Succeeded'],
      [c, 'Succeeded'],
      [b, 'Succeeded'],
      [a, 'Succeeded'],
    ]);
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: c }))).pipelineExecution!;
    expect(exec.executionMode).toBe('QUEUED');
    const finalBuild = await stageState(t.cp, name, 'Build');
    expect(finalBuild.inboundExecutions).toBeUndefined();
    expect(finalBuild.latestExecution).toEqual({ pipelineExecutionId: d, status: 'Succeeded' });
  });
});

describe('PARALLEL (V2)', () => {
  it('runs executions independently: two in the same stage at once, the later one may finish first', async () => {
    const name = 'parallel';
    await t.cp.send(new CreatePipelineCommand({ pipeline: twoStages(name, { pipelineType: 'V2', executionMode: 'PARALLEL' }) }));
    const build = { Project: `${name}-build` };
    const a = await newestExecutionId(t.cp, name);
    const b = await startExecution(t.cp, name);

    // Both run Source at the same time.
    const sources = await collectJobs(t.cp, SOURCE_TYPE, { Repo: name }, 2);
    expect(sources.map(jobExecutionId).sort()).toEqual([a, b].sort());
    for (const j of sources) await answer(j.id!);

    // Both run Build at the same time.
    const builds = await collectJobs(t.cp, BUILD_TYPE, build, 2);
    expect(builds.map(jobExecutionId).sort()).toEqual([a, b].sort());
    const jobOf = (id: string) => builds.find((j) => jobExecutionId(j) === id)!;

    // The later execution's job is answered first: it finishes first, the other keeps running.
    await answer(jobOf(b).id!);
    await waitForStatus(t.cp, name, b, 'Succeeded');
    expect(await executionStatus(t.cp, name, a)).toBe('InProgress');
    await answer(jobOf(a).id!);
    await waitForStatus(t.cp, name, a, 'Succeeded');
    expect(await executionStatuses(t.cp, name)).toEqual([
      [b, 'Succeeded'],
      [a, 'Succeeded'],
    ]);
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: a }))).pipelineExecution!;
    expect(exec.executionMode).toBe('PARALLEL');
  });
});

describe('V1 pipelines', () => {
  it('reject the V2-only execution modes', async () => {
    const e = await failure(t.cp.send(new CreatePipelineCommand({ pipeline: twoStages('v1-queued', { pipelineType: 'V1', executionMode: 'QUEUED' }) })));
    expect(e.name).toBe('InvalidStructureException');
    expect(e.message).toBe('Execution mode QUEUED can only be used with V2 pipelines');
  });
});
