// History retention (--history-retention-days; AWS keeps 12 months): executions older than the
// retention vanish with their action executions, events and logs, at start and on each pass; running
// executions, a pipeline's latest, and an old execution that still holds the latest run of a stage stay.
// Under a bounded loop of executions with a short retention the store stops growing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { ManualClock } from '../src/util/manualClock.js';
import { ACCOUNT, client, expectAwsError, startEmulator } from './harness.js';
import { approvalAction, approvalToken, createCustomTypes, pipelineOf, SOURCE_TYPE, startExecution, succeed, until, waitForStatus } from './engineKit.js';

const DAY = 24 * 60 * 60 * 1000;
let root: string;
const clock = new ManualClock(Date.UTC(2025, 0, 15, 9, 30, 0));

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-retention-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Source (a job answered here), then one or more manual approvals, each in its own stage. */
const pipeline = (name: string, approvals = 1, mode = 'SUPERSEDED') =>
  pipelineOf(
    name,
    Array.from({ length: approvals }, (_, i) => ({ name: `Approve${i + 1}`, actions: [approvalAction()] })),
    { pipelineType: 'V2', executionMode: mode as never },
  );

/** The newest execution's id once its source ran and its approval of `stage` waits. */
async function sourceDone(cp: CodePipelineClient, name: string) {
  const job = await succeed(cp, SOURCE_TYPE, { Repo: name });
  return job.data!.pipelineContext!.pipelineExecutionId!;
}

async function approve(cp: CodePipelineClient, name: string, stage = 'Approve1', status: 'Approved' | 'Rejected' = 'Approved') {
  const token = await approvalToken(cp, name, stage, 'Approve');
  await cp.send(new PutApprovalResultCommand({ pipelineName: name, stageName: stage, actionName: 'Approve', token, result: { status, summary: 'ok' } }));
}

/** Runs one execution of a one-approval pipeline to Succeeded; answers its id. */
async function runOnce(cp: CodePipelineClient, name: string, started?: Promise<string>) {
  if (started) await started;
  const id = await sourceDone(cp, name);
  await approve(cp, name);
  await waitForStatus(cp, name, id, 'Succeeded');
  return id;
}

const ids = async (cp: CodePipelineClient, pipelineName: string) =>
  ((await cp.send(new ListPipelineExecutionsCommand({ pipelineName }))).pipelineExecutionSummaries ?? []).map((s) => s.pipelineExecutionId!);

const actionIdsOf = async (cp: CodePipelineClient, pipelineName: string, pipelineExecutionId: string) =>
  ((await cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId } }))).actionExecutionDetails ?? []).map(
    (a) => a.actionExecutionId!,
  );

const logFile = (dataDir: string, actionExecutionId: string) => path.join(dataDir, 'logs', `${actionExecutionId}.log`);
/** Whether an action execution has a log: a short one is held in the database, a long one in its file. */
const hasLog = (emu: RunningEmulator, dataDir: string, id: string) =>
  fs.existsSync(logFile(dataDir, id)) || (emu.store.db.prepare('SELECT COUNT(*) FROM action_log_chunks WHERE id = ?').pluck().get(id) as number) > 0;

describe('history retention', () => {
  let emu: RunningEmulator;
  let cp: CodePipelineClient;
  const dataDir = () => path.join(root, 'data');

  afterAll(() => emu?.stop());

  it('prunes old executions with their action executions, events and logs; keeps running, latest and recent ones', async () => {
    emu = await startEmulator({ inMemory: false, dataDir: dataDir(), clock, historyRetentionDays: 30 });
    cp = client(emu.endpoint);
    await createCustomTypes(cp);
    expect(emu.retention.days).toBe(30);

    // Day 0: p runs twice; q (parallel) leaves its first execution waiting and runs a second one.
    await cp.send(new CreatePipelineCommand({ pipeline: pipeline('p') }));
    const p1 = await runOnce(cp, 'p');
    const p2 = await runOnce(cp, 'p', startExecution(cp, 'p'));
    await cp.send(new CreatePipelineCommand({ pipeline: pipeline('q', 1, 'PARALLEL') }));
    const q1 = await sourceDone(cp, 'q');
    await approvalToken(cp, 'q', 'Approve1', 'Approve');
    const q2 = await runOnce(cp, 'q', startExecution(cp, 'q'));
    expect(await ids(cp, 'q')).toEqual([q2, q1]);
    // r: its first execution runs both approvals; the second (later) stops at the first.
    await cp.send(new CreatePipelineCommand({ pipeline: pipeline('r', 2) }));
    const r1 = await sourceDone(cp, 'r');
    await approve(cp, 'r', 'Approve1');
    await approve(cp, 'r', 'Approve2');
    await waitForStatus(cp, 'r', r1, 'Succeeded');
    const p1Actions = await actionIdsOf(cp, 'p', p1);
    expect(p1Actions).toHaveLength(2);
    const logged = (id: string) => hasLog(emu, dataDir(), id);
    const p1Log = p1Actions.filter(logged);
    expect(p1Log).toHaveLength(1); // the approval's
    const eventsOf = (id: string) => emu.store.events.ofExecution(id).length;
    expect(eventsOf(p1)).toBeGreaterThan(0);

    await startExecution(cp, 'r');
    const r2 = await sourceDone(cp, 'r');
    await approve(cp, 'r', 'Approve1', 'Rejected');
    await waitForStatus(cp, 'r', r2, 'Failed');

    // Day 31: all are past 30 days. p2, q2 and r2 are their pipelines' latest, q1 still runs (its
    // approval's 7-day timeout fires at the next engine step), r1 holds the latest run of Approve2.
    clock.advance(31 * DAY);
    expect(await emu.retention.run()).toEqual({ pruned: 1, kept: 5 });
    expect(await ids(cp, 'p')).toEqual([p2]);
    await expectAwsError(cp.send(new GetPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: p1 })), 'PipelineExecutionNotFoundException');
    await expectAwsError(
      cp.send(new ListActionExecutionsCommand({ pipelineName: 'p', filter: { pipelineExecutionId: p1 } })),
      'PipelineExecutionNotFoundException',
    );
    const pActions = (await cp.send(new ListActionExecutionsCommand({ pipelineName: 'p' }))).actionExecutionDetails!;
    expect(pActions.map((a) => a.pipelineExecutionId)).toEqual([p2, p2]);
    expect(p1Log.filter(logged)).toEqual([]);
    expect(eventsOf(p1)).toBe(0);
    expect(await ids(cp, 'q')).toEqual([q2, q1]);
    expect((await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'q', pipelineExecutionId: q1 }))).pipelineExecution!.status).toBe('InProgress');
    expect(await ids(cp, 'r')).toEqual([r2, r1]);
    const rState = await cp.send(new GetPipelineStateCommand({ name: 'r' }));
    expect(rState.stageStates!.map((s) => s.latestExecution?.pipelineExecutionId)).toEqual([r2, r2, r1]);

    // A recent execution that is not the latest stays; p2, now neither recent nor latest, goes.
    const p3 = await runOnce(cp, 'p', startExecution(cp, 'p'));
    const p4 = await runOnce(cp, 'p', startExecution(cp, 'p'));
    const p2Log = (await actionIdsOf(cp, 'p', p2)).filter(logged);
    expect(p2Log).toHaveLength(1);
    await emu.retention.run();
    expect(await ids(cp, 'p')).toEqual([p4, p3]);
    expect(p2Log.filter(logged)).toEqual([]);
    // The approvals of the two that stay keep their logs.
    expect([...(await actionIdsOf(cp, 'p', p3)), ...(await actionIdsOf(cp, 'p', p4))].filter(logged)).toHaveLength(2);
  });

  it('prunes at start what fell past the retention while it was stopped', async () => {
    const before = await ids(cp, 'p');
    expect(before).toHaveLength(2);
    await emu.stop();
    clock.advance(31 * DAY);
    emu = await startEmulator({ inMemory: false, dataDir: dataDir(), clock, historyRetentionDays: 30 });
    cp = client(emu.endpoint);
    // Only the latest stays (nothing ran since): the pass at start removed the other without being asked.
    expect(await until(() => ids(cp, 'p'), (l) => l.length === 1)).toEqual([before[0]]);
  });

  it('DeletePipeline takes its events and action logs with it: a pipeline created again under the name starts without them', async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: pipeline('d') }));
    const d1 = await runOnce(cp, 'd');
    const logs = (await actionIdsOf(cp, 'd', d1)).filter((id) => hasLog(emu, dataDir(), id));
    expect(logs).toHaveLength(1);
    const scope = { account: ACCOUNT, region: 'us-east-1' };
    expect(emu.store.events.list(scope, 'd', 0, 1000).length).toBeGreaterThan(0);
    await cp.send(new DeletePipelineCommand({ name: 'd' }));
    expect(emu.store.events.list(scope, 'd', 0, 1000)).toEqual([]);
    await until(async () => logs.filter((id) => hasLog(emu, dataDir(), id)), (l) => l.length === 0);
    await cp.send(new CreatePipelineCommand({ pipeline: pipeline('d') }));
    expect(emu.store.events.list(scope, 'd', 0, 1000).every((e) => e.executionId !== d1)).toBe(true);
  });

  it('0 keeps history forever; a negative or non-numeric retention is refused', async () => {
    const keep = await startEmulator({ clock, historyRetentionDays: 0 });
    try {
      expect(await keep.retention.run()).toEqual({ pruned: 0, kept: 0 });
    } finally {
      await keep.stop();
    }
    await expect(startEmulator({ historyRetentionDays: -1 })).rejects.toThrow(
      'invalid history retention -1 (--history-retention-days or CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS: a number of days, 0 to keep history forever)',
    );
    await expect(startEmulator({ historyRetentionDays: Number.NaN })).rejects.toThrow('invalid history retention NaN');
  });

  it('the option, else its variable, else the local configuration, else 365 days', async () => {
    const days = async (options: object, env: Record<string, string>) => {
      for (const [k, v] of Object.entries(env)) process.env[k] = v;
      try {
        const e = await startEmulator(options);
        await e.stop();
        return e.retention.days;
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
      }
    };
    const config = { CODEPIPELINE_LOCAL_CONFIG_JSON: '{"history":{"retentionDays":3}}' };
    const variable = { CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS: '7' };
    expect(await days({}, {})).toBe(365);
    expect(await days({}, config)).toBe(3);
    expect(await days({}, { ...config, ...variable })).toBe(7);
    expect(await days({ historyRetentionDays: 1 }, { ...config, ...variable })).toBe(1);
    await expect(days({}, { CODEPIPELINE_LOCAL_CONFIG_JSON: '{"history":{"retentionDays":"a year"}}' })).rejects.toThrow(
      'CODEPIPELINE_LOCAL_CONFIG_JSON: history.retentionDays must be a number of days (0 keeps history forever)',
    );
    await expect(days({}, { CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS: 'a year' })).rejects.toThrow('invalid history retention NaN');
  });

  it('the store stops growing under a bounded loop of executions with a short retention', async () => {
    const loopClock = new ManualClock(Date.UTC(2025, 5, 1));
    const dir = path.join(root, 'loop');
    const e = await startEmulator({ inMemory: false, dataDir: dir, clock: loopClock, historyRetentionDays: 2 });
    try {
      const c = client(e.endpoint);
      await createCustomTypes(c);
      await c.send(new CreatePipelineCommand({ pipeline: pipeline('loop') }));
      const count = (table: string) => e.store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      const measure = () => ({
        rows: Object.fromEntries(['executions', 'stage_executions', 'action_executions', 'jobs', 'events'].map((t) => [t, count(t)])),
        logs: (fs.existsSync(path.join(dir, 'logs')) ? fs.readdirSync(path.join(dir, 'logs')).length : 0) + count('(SELECT DISTINCT id FROM action_log_chunks)'),
        pages: (e.store.db.pragma('page_count', { simple: true }) as number) - (e.store.db.pragma('freelist_count', { simple: true }) as number),
      });
      let settled: ReturnType<typeof measure> | undefined;
      for (let i = 0; i < 24; i++) {
        await runOnce(c, 'loop', i === 0 ? undefined : startExecution(c, 'loop'));
        loopClock.advance(DAY);
        await e.retention.run();
        if (i === 8) settled = measure();
      }
      const end = measure();
      expect(end.rows).toEqual(settled!.rows);
      // The one that ended a day ago and the one that just ended: older ones are past 2 days.
      expect(end.rows.executions).toBe(2);
      expect(end.logs).toBe(settled!.logs);
      // Pages in use move by a page or two as b-trees split and merge; without retention they would
      // more than double between the two measures (9 executions -> 24).
      expect(end.pages).toBeLessThan(settled!.pages * 1.25);
      expect(await ids(c, 'loop')).toHaveLength(2);
    } finally {
      await e.stop();
    }
  });
});
