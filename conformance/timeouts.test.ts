// Timeouts with an injected clock: approvals expire after 7 days (or their timeoutInMinutes), jobs
// after their job timeout; the timers are durable and fire after a restart too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcknowledgeJobCommand,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  PollForThirdPartyJobsCommand,
  PutJobSuccessResultCommand,
  type ActionTypeId,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { ACCOUNT, client, failure, startEmulator, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, approvalAction, approvalToken, buildAction, createCustomTypes, executionStatus, newestExecutionId, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const clock = new ManualClock();
const t = useEmulator({ clock, setup: createCustomTypes });

async function start(name: string, stage: Parameters<typeof pipelineOf>[1][number]) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [stage]) }));
  const id = await newestExecutionId(t.cp, name);
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  return id;
}

async function actionState(c: typeof t.cp, pipeline: string, stage: string) {
  const state = await c.send(new GetPipelineStateCommand({ name: pipeline }));
  return state.stageStates!.find((s) => s.stageName === stage)!.actionStates![0].latestExecution!;
}

/** Moves time on and fires what fell due. */
function elapse(ms: number, e = t.emu) {
  clock.advance(ms);
  e.engine.runDueTimers();
}

const EXPIRED = { status: 'Failed', summary: 'Approval request timed out', errorDetails: { code: 'TimeoutError', message: 'The approval request has expired.' } };

describe('manual approval timeouts', () => {
  it('fails an unanswered approval, and its execution, after 7 days', async () => {
    const id = await start('to-approval', { name: 'Approve', actions: [approvalAction()] });
    await approvalToken(t.cp, 'to-approval', 'Approve', 'Approve');
    elapse(7 * DAY - MINUTE);
    expect(await executionStatus(t.cp, 'to-approval', id)).toBe('InProgress');
    expect((await actionState(t.cp, 'to-approval', 'Approve')).status).toBe('InProgress');
    elapse(2 * MINUTE);
    await waitForStatus(t.cp, 'to-approval', id, 'Failed');
    expect(await actionState(t.cp, 'to-approval', 'Approve')).toMatchObject(EXPIRED);
  });

  it('uses the action timeoutInMinutes instead when given', async () => {
    const id = await start('to-short', { name: 'Approve', actions: [approvalAction('Approve', { timeoutInMinutes: 10 })] });
    await approvalToken(t.cp, 'to-short', 'Approve', 'Approve');
    elapse(9 * MINUTE);
    expect(await executionStatus(t.cp, 'to-short', id)).toBe('InProgress');
    elapse(2 * MINUTE);
    await waitForStatus(t.cp, 'to-short', id, 'Failed');
    expect(await actionState(t.cp, 'to-short', 'Approve')).toMatchObject(EXPIRED);
  });
});

describe('job timeouts', () => {
  const JOB_TIMEDOUT = { status: 'Failed', summary: 'The job did not complete before its timeout', errorDetails: { code: 'TimeoutError', message: 'The job timed out.' } };

  it('fails a custom action whose job is not done within 24 hours; the job then refuses results', async () => {
    const id = await start('to-job', { name: 'Build', actions: [buildAction('B', 'to-job')] });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'to-job' });
    elapse(DAY - MINUTE);
    expect(await executionStatus(t.cp, 'to-job', id)).toBe('InProgress');
    elapse(2 * MINUTE);
    await waitForStatus(t.cp, 'to-job', id, 'Failed');
    expect(await actionState(t.cp, 'to-job', 'Build')).toMatchObject(JOB_TIMEDOUT);
    expect((await t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }))).status).toBe('TimedOut');
    const e = await failure(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id })));
    expect(e.name).toBe('InvalidJobStateException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toBe(`Job '${job.id}' is in state TimedOut and cannot accept a result`);
  });

  it("uses the action type executor's jobTimeout when it has one", async () => {
    const partner: ActionTypeId = { category: 'Deploy', owner: 'ThirdParty', provider: 'QuickDeploy', version: '1' };
    t.emu.store.actionTypes.create(
      { account: ACCOUNT, region: 'us-east-1' },
      {
        type: {
          id: partner as Required<ActionTypeId>,
          actionConfigurationProperties: [],
          inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        },
        executor: { type: 'JobWorker', configuration: {}, jobTimeout: 300 },
      },
      clock.now(),
    );
    const id = await start('to-executor', { name: 'Deploy', actions: [{ name: 'D', actionTypeId: partner }] });
    await until(async () => (await t.cp.send(new PollForThirdPartyJobsCommand({ actionTypeId: partner }))).jobs ?? [], (j) => j.length > 0);
    elapse(4 * MINUTE);
    expect(await executionStatus(t.cp, 'to-executor', id)).toBe('InProgress');
    elapse(2 * MINUTE);
    await waitForStatus(t.cp, 'to-executor', id, 'Failed');
    expect(await actionState(t.cp, 'to-executor', 'Deploy')).toMatchObject(JOB_TIMEDOUT);
  });
});

describe('timers across a restart', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-timeouts-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('fires an approval timer set before the restart', async () => {
    const first = await startEmulator({ clock, inMemory: false, dataDir });
    let id: string;
    try {
      const c = client(first.endpoint);
      await createCustomTypes(c);
      await c.send(new CreatePipelineCommand({ pipeline: pipelineOf('to-restart', [{ name: 'Approve', actions: [approvalAction()] }]) }));
      id = await newestExecutionId(c, 'to-restart');
      await succeed(c, SOURCE_TYPE, { Repo: 'to-restart' });
      await approvalToken(c, 'to-restart', 'Approve', 'Approve');
    } finally {
      await first.stop();
    }
    const second = await startEmulator({ clock, inMemory: false, dataDir });
    try {
      const c = client(second.endpoint);
      expect(await executionStatus(c, 'to-restart', id)).toBe('InProgress');
      elapse(7 * DAY + MINUTE, second);
      await until(() => executionStatus(c, 'to-restart', id), (s) => s === 'Failed');
      expect(await actionState(c, 'to-restart', 'Approve')).toMatchObject(EXPIRED);
    } finally {
      await second.stop();
    }
  });
});
