// Engine latency benchmark: one execution at a time, nothing else running.
// - A 5-stage pipeline of in-process actions (S3 source, S3 deploy extracting the artifact,
//   CloudFormation deploying a one-parameter SSM stack through the local stack engine, S3 deploy of
//   the zip as is, CloudFormation again on a second stack): StartPipelineExecution -> Succeeded,
//   measured two ways: (a) the client's wall clock from sending StartPipelineExecution until a tight
//   GetPipelineExecution poll (one request after another, from a worker thread: bench/latencyPoller.mjs)
//   first answers Succeeded; (b) the execution's own recorded times (ListPipelineExecutions
//   startTime -> lastUpdateTime, milliseconds).
// - A CodeBuild action whose buildspec is one `echo`: the action execution's startTime ->
//   lastUpdateTime from ListActionExecutions (the engine's clock, milliseconds in the API's epoch
//   seconds), i.e. from the transaction that records it InProgress to the one that records it Succeeded.
// - For the polled runs, what the poll competes with: GetPipelineExecution requests per execution, and
//   the emulator's event loop (this process's main thread): busy ms per execution (event loop
//   utilization) and its thread's CPU ms per execution (Linux: /proc/self/task/<pid>/stat).
// Knobs: BENCH_LATENCY_RUNS (30 of each kind, alternating), BENCH_LATENCY_WARMUP (10), BENCH_LATENCY_PARTS (pipeline,codebuild),
// BENCH_LATENCY_STAGES=1 (also the 5-stage pipeline's timeline: each action's start and end, median ms
// from the execution's start, over the recorded runs).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { start, type RunningEmulator } from '../src/index.js';
import { zipFiles } from '../src/util/zip.js';
import { post } from './load.js';

const RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_LATENCY_WARMUP ?? 10);
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
const headers = (target: string, service: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, authorization: auth(service) });

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Value:
    Type: String
Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref Value
Outputs:
  Name:
    Value: !Ref Param
`;

const BUILDSPEC = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n';

const S3_SOURCE = { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' };
const S3_DEPLOY = { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' };
const CFN = { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' };
const CODEBUILD = { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' };

const source = { name: 'Source', actions: [{ name: 'Src', actionTypeId: S3_SOURCE, configuration: { S3Bucket: 'bench-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'Src' }] }] };
const stack = (stage: string, name: string) => ({
  name: stage,
  actions: [
    {
      name: 'Stack',
      actionTypeId: CFN,
      // A new value each execution: every run really updates the stack.
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: name, TemplatePath: 'Src::template.yml', ParameterOverrides: '{"Value":"#{codepipeline.PipelineExecutionId}"}' },
      inputArtifacts: [{ name: 'Src' }],
    },
  ],
});

/** A V2 QUEUED pipeline of the bench's account around `stages`. */
const pipelineOf = (name: string, stages: unknown[]) => ({
  name,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  artifactStore: { type: 'S3', location: 'bench-artifacts' },
  pipelineType: 'V2',
  executionMode: 'QUEUED',
  stages,
});

const fiveStages = (name: string) =>
  pipelineOf(name, [
    source,
    { name: 'Site', actions: [{ name: 'Extract', actionTypeId: S3_DEPLOY, configuration: { BucketName: 'bench-site', Extract: 'true' }, inputArtifacts: [{ name: 'Src' }] }] },
    stack('Params', 'bench-params'),
    { name: 'Archive', actions: [{ name: 'Zip', actionTypeId: S3_DEPLOY, configuration: { BucketName: 'bench-site', Extract: 'false', ObjectKey: 'archive/app.zip' }, inputArtifacts: [{ name: 'Src' }] }] },
    stack('More', 'bench-more'),
  ]);

const codeBuildPipeline = (name: string) =>
  pipelineOf(name, [source, { name: 'Build', actions: [{ name: 'Echo', actionTypeId: CODEBUILD, configuration: { ProjectName: 'bench-echo' }, inputArtifacts: [{ name: 'Src' }] }] }]);

export interface LatencyStats {
  runs: number;
  median: number;
  p90: number;
  min: number;
}

export interface EngineLatencyResult {
  /** Five stages: client wall clock (start answer -> polled Succeeded) and the execution's recorded start -> end. */
  pipelineWall: LatencyStats;
  pipelineRecorded: LatencyStats;
  /** CodeBuild `echo` action: recorded action start -> success; and the whole 2-stage execution, recorded. */
  /** Process CPU time (all threads) per execution of the recorded runs. */
  pipelineCpuMs: number;
  /** The polled runs: GetPipelineExecution requests per execution, and the emulator's event loop busy ms per execution (medians). */
  pipelinePolls: number;
  pipelineLoopBusyMs: number;
  /** The polled runs: CPU time of the emulator's thread (its event loop) per execution, mean (Linux only). */
  pipelineMainCpuMs: number;
  codeBuildAction: LatencyStats;
  codeBuildCpuMs: number;
  /** With BENCH_LATENCY_STAGES: each action of the 5-stage pipeline, median start and end (ms from the execution's start). */
  timeline?: { action: string; startMs: number; endMs: number; durationMs: number }[];
  failures: string[];
}

/**
 * CPU time of this process's main thread (the emulator's event loop), ms: Linux's per-thread
 * counters in clock ticks (10 ms), so only a sum over many executions means anything. NaN elsewhere.
 */
function mainThreadCpuMs(): number {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function stats(values: number[]): LatencyStats {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { runs: s.length, median: at(0.5), p90: at(0.9), min: s[0] ?? NaN };
}

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly url: URL;
  constructor(endpoint: string) {
    this.url = new URL(endpoint);
  }
  async call(op: string, body: unknown, target = `CodePipeline_20150709.${op}`, service = 'codepipeline') {
    const r = await post(this.agent, this.url, headers(target, service), JSON.stringify(body));
    if (r.status !== 200) throw new Error(`${op}: ${r.status} ${r.text}`);
    return JSON.parse(r.text || '{}');
  }
  close() {
    this.agent.destroy();
  }
}

/** The client on its own thread (bench/latencyPoller.mjs): starts one execution and polls until it ends. */
class Poller {
  private readonly worker: Worker;

  constructor(endpoint: string) {
    this.worker = new Worker(new URL('./latencyPoller.mjs', import.meta.url), { workerData: { endpoint, account: ACCOUNT, region: REGION } });
  }

  /** Answers the wall time (StartPipelineExecution sent -> polled end) and the final status; `gapMs` between polls. */
  run(name: string, gapMs = 0): Promise<{ id: string; wallMs: number; status: string; polls: number }> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: { id: string; wallMs: number; status: string; polls: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      this.worker.postMessage({ name, gapMs, timeoutMs: 30_000 });
    });
  }

  close() {
    return this.worker.terminate();
  }
}

async function recordedMs(c: Client, name: string, id: string): Promise<number> {
  const { pipelineExecutionSummaries } = await c.call('ListPipelineExecutions', { pipelineName: name, maxResults: 5 });
  const s = pipelineExecutionSummaries.find((x: { pipelineExecutionId: string }) => x.pipelineExecutionId === id);
  return (s.lastUpdateTime - s.startTime) * 1000;
}

async function actionMs(c: Client, name: string, id: string, action: string): Promise<number> {
  const { actionExecutionDetails } = await c.call('ListActionExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } });
  const a = actionExecutionDetails.find((x: { actionName: string }) => x.actionName === action);
  return (a.lastUpdateTime - a.startTime) * 1000;
}

/** Creates buckets, the source object and the CodeBuild project in a running emulator. */
async function seed(emu: RunningEmulator, c: Client) {
  for (const b of ['bench-src', 'bench-site', 'bench-artifacts']) emu.objects.createBucket(ACCOUNT, REGION, b);
  const zip = zipFiles([
    { path: 'template.yml', data: Buffer.from(TEMPLATE) },
    { path: 'index.html', data: Buffer.from('<h1>bench</h1>\n') },
    { path: 'buildspec.yml', data: Buffer.from(BUILDSPEC) },
  ]);
  await emu.objects.putObject({ bucket: 'bench-src', key: 'app.zip', body: zip });
  await c.call(
    'CreateProject',
    {
      name: 'bench-echo',
      source: { type: 'CODEPIPELINE', buildspec: BUILDSPEC },
      artifacts: { type: 'CODEPIPELINE' },
      environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' },
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/codebuild`,
    },
    'CodeBuild_20161006.CreateProject',
    'codebuild',
  );
}

/** Waits for the execution CreatePipeline started, so the measured runs start from an idle pipeline. */
async function settle(c: Client, name: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { pipelineExecutionSummaries } = await c.call('ListPipelineExecutions', { pipelineName: name });
    if (pipelineExecutionSummaries.every((s: { status: string }) => s.status !== 'InProgress')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * WARMUP executions, then RUNS polled tightly (the client's wall clock) and RUNS polled every 5 ms,
 * whose recorded times and process CPU time (all threads: the server, its zip workers, and the
 * poller's few polls) tell the engine's own latency without a busy client competing for the same
 * core. The two kinds alternate, so both see the same JIT warmth and the same machine: measured one
 * block after the other, the polled block ran first, while the first executions were still slower.
 */
async function measure(c: Client, poller: Poller, name: string, failures: string[], recorded: (id: string) => Promise<number>) {
  const wall: number[] = [];
  const rec: number[] = [];
  const polls: number[] = [];
  const loopBusy: number[] = [];
  let cpuMicros = 0;
  let mainCpu = 0;
  for (let i = 0; i < WARMUP + 2 * RUNS; i++) {
    const tight = i < WARMUP || (i - WARMUP) % 2 === 0;
    const cpu = process.cpuUsage();
    const main = mainThreadCpuMs();
    const elu = performance.eventLoopUtilization();
    const r = await poller.run(name, tight ? 0 : 5);
    const busy = performance.eventLoopUtilization(elu).active;
    const mainUsed = mainThreadCpuMs() - main;
    const used = process.cpuUsage(cpu);
    if (r.status !== 'Succeeded') failures.push(`${name} execution ${r.id}: ${r.status}`);
    else if (i < WARMUP) continue;
    else if (tight) {
      wall.push(r.wallMs);
      polls.push(r.polls);
      loopBusy.push(busy);
      mainCpu += mainUsed;
    } else {
      rec.push(await recorded(r.id));
      cpuMicros += used.user + used.system;
    }
  }
  return {
    wall: stats(wall),
    recorded: stats(rec),
    cpuMs: rec.length ? cpuMicros / 1000 / rec.length : NaN,
    polls: stats(polls).median,
    loopBusyMs: stats(loopBusy).median,
    mainCpuMs: wall.length ? mainCpu / wall.length : NaN,
  };
}

/** Each action's median start and end within the executions `ids` (the API's times, milliseconds). */
async function timeline(c: Client, name: string, ids: string[]) {
  const { pipelineExecutionSummaries } = await c.call('ListPipelineExecutions', { pipelineName: name, maxResults: 100 });
  const started = new Map<string, number>(pipelineExecutionSummaries.map((s: { pipelineExecutionId: string; startTime: number }) => [s.pipelineExecutionId, s.startTime]));
  const per = new Map<string, { start: number[]; end: number[]; duration: number[] }>();
  for (const id of ids) {
    const t0 = started.get(id);
    if (t0 === undefined) continue;
    const { actionExecutionDetails } = await c.call('ListActionExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } });
    for (const a of actionExecutionDetails as { stageName: string; actionName: string; startTime: number; lastUpdateTime: number }[]) {
      const key = `${a.stageName}.${a.actionName}`;
      const e = per.get(key) ?? { start: [], end: [], duration: [] };
      e.start.push((a.startTime - t0) * 1000);
      e.end.push((a.lastUpdateTime - t0) * 1000);
      e.duration.push((a.lastUpdateTime - a.startTime) * 1000);
      per.set(key, e);
    }
  }
  return [...per]
    .map(([action, e]) => ({ action, startMs: stats(e.start).median, endMs: stats(e.end).median, durationMs: stats(e.duration).median }))
    .sort((a, b) => a.startMs - b.startMs);
}

export async function runEngineLatencyBench(opts: { emulator?: RunningEmulator; parts?: string[] } = {}): Promise<EngineLatencyResult> {
  const parts = opts.parts ?? ['pipeline', 'codebuild'];
  const dataDir = opts.emulator ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-latency-bench-'));
  const emu = opts.emulator ?? (await start({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' }));
  const c = new Client(emu.endpoint);
  const poller = new Poller(emu.endpoint);
  const failures: string[] = [];
  const result: EngineLatencyResult = {
    pipelineWall: stats([]),
    pipelineRecorded: stats([]),
    pipelineCpuMs: NaN,
    pipelinePolls: NaN,
    pipelineLoopBusyMs: NaN,
    pipelineMainCpuMs: NaN,
    codeBuildAction: stats([]),
    codeBuildCpuMs: NaN,
    failures,
  };
  try {
    await seed(emu, c);
    if (parts.includes('pipeline')) {
      await c.call('CreatePipeline', { pipeline: fiveStages('bench-latency') });
      await settle(c, 'bench-latency');
      const recordedIds: string[] = [];
      const m = await measure(c, poller, 'bench-latency', failures, (id) => (recordedIds.push(id), recordedMs(c, 'bench-latency', id)));
      if (process.env.BENCH_LATENCY_STAGES) result.timeline = await timeline(c, 'bench-latency', recordedIds);
      result.pipelineWall = m.wall;
      result.pipelineRecorded = m.recorded;
      result.pipelineCpuMs = m.cpuMs;
      result.pipelinePolls = m.polls;
      result.pipelineLoopBusyMs = m.loopBusyMs;
      result.pipelineMainCpuMs = m.mainCpuMs;
    }
    if (parts.includes('codebuild')) {
      await c.call('CreatePipeline', { pipeline: codeBuildPipeline('bench-codebuild') });
      await settle(c, 'bench-codebuild');
      const m = await measure(c, poller, 'bench-codebuild', failures, (id) => actionMs(c, 'bench-codebuild', id, 'Echo'));
      result.codeBuildAction = m.recorded;
      result.codeBuildCpuMs = m.cpuMs;
    }
    return result;
  } finally {
    c.close();
    await poller.close();
    if (!opts.emulator) {
      await emu.stop();
      fs.rmSync(dataDir!, { recursive: true, force: true });
    }
  }
}

export function engineLatencyTable(r: EngineLatencyResult): string {
  const f = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));
  const row = (what: string, how: string, s: LatencyStats, cpu: number, target: string) =>
    `| ${what} | ${how} | ${s.runs} | ${f(s.median)} | ${f(s.p90)} | ${f(s.min)} | ${f(cpu)} | ${target} |`;
  return [
    '',
    '| In-process pipeline latency (one execution at a time) | measured | runs | median ms | p90 ms | min ms | CPU ms per execution | target |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    row('5 stages: S3 source, S3 deploy (extract), CloudFormation (SSM parameter), S3 deploy (zip), CloudFormation', 'client (its own thread): StartPipelineExecution sent -> GetPipelineExecution, polled back to back, says Succeeded', r.pipelineWall, NaN, 'median <= 20'),
    row('same', "recorded: the execution's startTime -> lastUpdateTime (polled every 5 ms; these runs alternate with the polled ones)", r.pipelineRecorded, r.pipelineCpuMs, 'median <= 20'),
    ...(Number.isNaN(r.pipelinePolls)
      ? []
      : [
          `| same, polled back to back | GetPipelineExecution requests per execution (median) | | ${r.pipelinePolls} | | | | |`,
          `| same, polled back to back | the emulator's event loop: busy ms per execution (median); its thread's CPU ms per execution (mean) | | ${f(r.pipelineLoopBusyMs)} | | | ${f(r.pipelineMainCpuMs)} | |`,
        ]),
    row('CodeBuild action, buildspec one `echo`', "recorded: the action execution's startTime -> lastUpdateTime", r.codeBuildAction, r.codeBuildCpuMs, 'median <= 100'),
    ...(r.timeline
      ? [
          '',
          '| 5-stage timeline (recorded runs) | median start ms | median end ms | median duration ms |',
          '|---|---:|---:|---:|',
          ...r.timeline.map((t) => `| ${t.action} | ${f(t.startMs)} | ${f(t.endMs)} | ${f(t.durationMs)} |`),
        ]
      : []),
    ...(r.failures.length ? ['', `Failures: ${r.failures.join('; ')}`] : []),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const parts = process.env.BENCH_LATENCY_PARTS?.split(',');
  const r = await runEngineLatencyBench({ parts });
  process.stdout.write(engineLatencyTable(r));
}
