// Engine benchmark: executions of a 5-stage pipeline of custom actions, answered by an in-process
// job worker over HTTP, in PARALLEL mode (all executions started at once) and in SUPERSEDED mode
// (executions one after another, so none is superseded: the latency of a single execution). Reports executions/s, wall latency per stage, and the engine's own time per stage
// transition (time inside Engine.flush, which holds every state transition), and checks that no
// execution is lost or stuck. Knobs: BENCH_ENGINE_EXECUTIONS (50), BENCH_ENGINE_TIMEOUT_S (60).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { start } from '../src/index.js';
import { post } from './load.js';

const EXECUTIONS = Number(process.env.BENCH_ENGINE_EXECUTIONS ?? 50);
const TIMEOUT_MS = Number(process.env.BENCH_ENGINE_TIMEOUT_S ?? 60) * 1000;
const STAGES = 5;
const ACCOUNT = '123456789012';

const headers = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `CodePipeline_20150709.${op}`,
  authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0`,
});

const SOURCE = { category: 'Source', owner: 'Custom', provider: 'BenchSource', version: '1' };
const BUILD = { category: 'Build', owner: 'Custom', provider: 'BenchBuild', version: '1' };

function pipeline(name: string, mode: string) {
  const stages = [{ name: 'S0', actions: [{ name: 'A', actionTypeId: SOURCE, configuration: { P: name }, outputArtifacts: [{ name: 'Src' }] }] }];
  for (let i = 1; i < STAGES; i++)
    stages.push({ name: `S${i}`, actions: [{ name: 'A', actionTypeId: BUILD, configuration: { P: name }, inputArtifacts: [{ name: 'Src' }] } as never] });
  return { name, roleArn: `arn:aws:iam::${ACCOUNT}:role/r`, artifactStore: { type: 'S3', location: 'bench' }, pipelineType: 'V2', executionMode: mode, stages };
}

export interface EngineModeResult {
  mode: string;
  executions: number;
  succeeded: number;
  otherwise: Record<string, number>;
  wallSeconds: number;
  executionsPerSecond: number;
  msPerStageWall: number;
  engineMsPerTransition: number;
  transitions: number;
}

async function runMode(endpoint: string, engine: { flush(): void }, mode: string, flushTime: { ms: number; calls: number }): Promise<EngineModeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const url = new URL(endpoint);
  const call = async (op: string, body: unknown) => {
    const r = await post(agent, url, headers(op), JSON.stringify(body));
    if (r.status !== 200) throw new Error(`${op}: ${r.status} ${r.text}`);
    return JSON.parse(r.text || '{}');
  };
  const name = `bench-engine-${mode.toLowerCase()}`;
  await call('CreatePipeline', { pipeline: pipeline(name, mode) });
  // CreatePipeline started one execution; start the rest at once.
  const ids = new Set<string>();
  const first = await call('ListPipelineExecutions', { pipelineName: name });
  ids.add(first.pipelineExecutionSummaries[0].pipelineExecutionId);
  flushTime.ms = 0;
  flushTime.calls = 0;
  const began = performance.now();
  const startNext = async () => ids.add((await call('StartPipelineExecution', { name })).pipelineExecutionId);
  const sequential = mode === 'SUPERSEDED';
  if (!sequential) for (let i = 1; i < EXECUTIONS; i++) await startNext();

  // The worker: poll both types, acknowledge and answer, until every execution has ended.
  const deadline = Date.now() + TIMEOUT_MS;
  const ended = async () => {
    const out = await call('ListPipelineExecutions', { pipelineName: name, maxResults: 100 });
    return out.pipelineExecutionSummaries.filter((s: { status: string }) => !['InProgress', 'Stopping'].includes(s.status));
  };
  let done: { status: string }[] = [];
  while (Date.now() < deadline) {
    let answered = 0;
    for (const type of [SOURCE, BUILD]) {
      const { jobs } = await call('PollForJobs', { actionTypeId: type, maxBatchSize: 100, queryParam: { P: name } });
      await Promise.all(
        jobs.map(async (j: { id: string; nonce: string }) => {
          await call('AcknowledgeJob', { jobId: j.id, nonce: j.nonce });
          await call('PutJobSuccessResult', { jobId: j.id, ...(type === SOURCE && { currentRevision: { revision: j.id, changeIdentifier: j.id } }) });
        }),
      );
      answered += jobs.length;
    }
    if (answered === 0) {
      done = await ended();
      if (done.length === ids.size) {
        if (!sequential || ids.size >= EXECUTIONS) break;
        await startNext();
        continue;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const wallSeconds = (performance.now() - began) / 1000;
  agent.destroy();
  const statuses: Record<string, number> = {};
  for (const s of done) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const succeeded = statuses.Succeeded ?? 0;
  const { Succeeded: _s, ...otherwise } = statuses;
  if (done.length !== ids.size) otherwise.stuck = ids.size - done.length;
  // Each execution that ran through makes STAGES entries and STAGES exits.
  const transitions = Math.max(1, succeeded * STAGES * 2);
  return {
    mode,
    executions: ids.size,
    succeeded,
    otherwise,
    wallSeconds,
    executionsPerSecond: succeeded / wallSeconds,
    msPerStageWall: (wallSeconds * 1000) / Math.max(1, succeeded * STAGES),
    engineMsPerTransition: flushTime.ms / transitions,
    transitions,
  };
}

export async function runEngineBench(): Promise<EngineModeResult[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-engine-bench-'));
  const emu = await start({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' });
  // Measure the engine's own work: every state transition happens inside the scheduler's flush().
  const flushTime = { ms: 0, calls: 0 };
  const scheduler = emu.engine.scheduler;
  const original = scheduler.flush.bind(scheduler);
  scheduler.flush = () => {
    const t = performance.now();
    original();
    flushTime.ms += performance.now() - t;
    flushTime.calls++;
  };
  try {
    const agent = new http.Agent({ keepAlive: true });
    for (const t of [SOURCE, BUILD]) {
      const r = await post(agent, new URL(emu.endpoint), headers('CreateCustomActionType'), JSON.stringify({
        ...t,
        configurationProperties: [{ name: 'P', required: true, key: true, secret: false, queryable: true }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: t === SOURCE ? 1 : 0, maximumCount: 1 },
      }));
      if (r.status !== 200) throw new Error(`CreateCustomActionType: ${r.text}`);
    }
    agent.destroy();
    const results = [];
    for (const mode of ['PARALLEL', 'SUPERSEDED']) results.push(await runMode(emu.endpoint, emu.engine, mode, flushTime));
    return results;
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function engineTable(results: EngineModeResult[]): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  return [
    '',
    `| Engine (${STAGES}-stage pipeline of custom actions, in-process job worker) | executions | succeeded | other outcomes | wall s | executions/s | wall ms per stage | engine ms per stage transition |`,
    '|---|---:|---:|---|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.mode} | ${r.executions} | ${r.succeeded} | ${Object.entries(r.otherwise).map(([k, v]) => `${k} ${v}`).join(', ') || '-'} | ${f(r.wallSeconds, 2)} | ${f(r.executionsPerSecond)} | ${f(r.msPerStageWall, 2)} | ${f(r.engineMsPerTransition, 3)} |`,
    ),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runEngineBench();
  process.stdout.write(engineTable(results));
  // One execution at a time: bench/engineLatency.ts (also alone: `npx tsx bench/engineLatency.ts`).
  const { engineLatencyTable, runEngineLatencyBench } = await import('./engineLatency.js');
  process.stdout.write(engineLatencyTable(await runEngineLatencyBench()));
}
