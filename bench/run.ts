// `npm run bench`: startup time and request throughput of the emulator (the CLI entry, in a child
// process), against a bare node:http ceiling and moto_server, on this machine, in one run.
// Load comes from wrk pinned to one core (servers pinned to another) when wrk is installed, else from
// the Node generator in bench/load.ts (BENCH_GENERATOR=node forces it), whose own CPU use is reported.
// Knobs (env): BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (0.5), BENCH_CONCURRENCY (32), BENCH_ROUNDS (3: every
// throughput row and the bare ceiling measured in turn, each figure the median of the rounds),
// BENCH_STARTUP_RUNS (5), BENCH_IDLE_MS (1000: idle time before the RSS is read), BENCH_SETTLE_MS (15000:
// idle time before the settled RSS is read, of 3 more starts of each server left idle together; 0 skips it), BENCH_SEED (200),
// BENCH_SKIP_BUILD=1, BENCH_SKIP_MOTO=1, BENCH_ONLY=startup (only the startup rows: start to first answer and
// idle RSS of each entry and of the bare server), BENCH_ONLY=op,op (only these emulator rows and the bare ceiling:
// no start-up, moto or engine runs), BENCH_NODE_ARGS (node flags for the emulator, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
// The engine latency part alone: `npx tsx bench/engineLatency.ts` (BENCH_LATENCY_RUNS, BENCH_LATENCY_PARTS=pipeline,codebuild).
// BENCH_SCALE=1 adds bench/scale.ts (1,000 pipelines and 100,000 executions; off by default, it takes a few minutes).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, killEntry, startEntry, type Entry, type EntryKind } from '../conformance/scripts/entry.js';
import { post, runLoad, type LoadResult } from './load.js';
import { engineTable, runEngineBench } from './engine.js';
import { engineLatencyTable, runEngineLatencyBench } from './engineLatency.js';
import { runScaleBench, scaleTable } from './scale.js';
import { GENERATOR_CPU, SERVER_CPU, cpuSeconds, hasWrk, luaString, pinToServerCpu, runWrk, type WrkRequest } from './wrk.js';

const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = num('BENCH_SECONDS', 3);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 0.5);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
/** wrk when installed (BENCH_GENERATOR=node forces the Node generator, whose own CPU use is then reported). */
const USE_WRK = process.env.BENCH_GENERATOR !== 'node' && hasWrk();
const STARTUP_RUNS = num('BENCH_STARTUP_RUNS', 5);
/** Rounds of the throughput rows (each with its own bare run); every figure is the median of the rounds. */
const ROUNDS = Math.max(1, num('BENCH_ROUNDS', 3));
const SEED = num('BENCH_SEED', 200);
const MAX_REQUESTS = 2_000_000;
/** BENCH_ONLY: the emulator rows to measure (names as in the table); unset: every row and every section. */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;

const TARGET = 'CodePipeline_20150709';
const HEADERS = (op: string, account = '123456789012') => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `${TARGET}.${op}`,
  // Both servers take account and region from the SigV4 scope (moto also routes by its service).
  authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0`,
});
/** CreatePipeline load spreads over accounts: AWS (and the emulator) cap an account at 1000 pipelines. */
const createAccount = (i: number) => String(200_000_000_000 + Math.floor(i / 500));
const FIXTURE = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures', 'pipelines', 's3-build-approve-deploy.json'), 'utf8')).pipeline;
const declaration = (name: string) => JSON.stringify({ pipeline: { ...FIXTURE, name } });
const seedName = (i: number) => `bench-${String(i % SEED).padStart(4, '0')}`;

const children: ChildProcess[] = [];
const entries: Entry[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-bench-'));
const log = (m: string) => process.stderr.write(`${m}\n`);

async function cleanup() {
  for (const e of entries) await killEntry(e);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** What one start measures: spawn -> the printed address, -> the first answer; CPU used until then; RSS once idle. */
interface StartSample {
  listeningMs: number;
  firstAnswerMs: number;
  cpuMsToFirstAnswer?: number;
  idleRssMiB?: number;
}

/** Resident memory of a process (Linux /proc VmRSS), in MiB, or undefined elsewhere. */
function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** After the first answer, how long a server is left alone before its idle RSS is read. */
const IDLE_MS = num('BENCH_IDLE_MS', 1000);
/**
 * The settled idle RSS: read after this long idle (0: not measured). V8 gives back the heap a start grew
 * (its memory reducer, some 8 s after the last GC) only once the process has been idle a while.
 */
const SETTLE_MS = num('BENCH_SETTLE_MS', 15_000);
const SETTLE_RUNS = 3;

/**
 * One start, measured the same way for every server: spawn `node <file> ...`, wait for the address it prints,
 * send one ListPipelines, then read the CPU it used until its answer and, after IDLE_MS, its RSS.
 */
type Launched = { endpoint: string; child: ChildProcess; exited: Promise<unknown> };

async function startOnce(launch: () => Promise<Launched>): Promise<StartSample> {
  const t0 = performance.now();
  const { endpoint, child, exited } = await launch();
  const t1 = performance.now();
  const agent = new http.Agent();
  const a = await post(agent, new URL(endpoint), HEADERS('ListPipelines'), '{}');
  const t2 = performance.now();
  const cpu = cpuSeconds(child.pid!);
  agent.destroy();
  if (a.status !== 200) throw new Error(`ListPipelines answered ${a.status}: ${a.text}`);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleRssMiB = rssMiB(child.pid!);
  child.kill('SIGTERM');
  await exited;
  return { listeningMs: t1 - t0, firstAnswerMs: t2 - t0, cpuMsToFirstAnswer: cpu === undefined ? undefined : cpu * 1000, idleRssMiB };
}

/** The bare node:http server (bench/bare-server.mjs) answering `bodyFile`, started as the emulator is: `node file`, its port printed. */
async function launchBare(bodyFile: string): Promise<Launched> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'bare-server.mjs'), bodyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`bare server exited ${c}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, child, exited };
}

async function launchEntry(kind: EntryKind) {
  const e = await startEntry({ kind, args: ['--port', '0', '--in-memory', '--log-level', 'warn'] });
  entries.push(e);
  return e;
}

const medianOf = (xs: (number | undefined)[]) => {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? median(known) : undefined;
};

type StartupResult = {
  runs: number;
  medianFirstAnswerMs: number;
  medianListeningMs: number;
  medianCpuMs?: number;
  medianIdleRssMiB?: number;
  /** RSS after SETTLE_MS idle, median of SETTLE_RUNS starts. */
  medianSettledRssMiB?: number;
  firstAnswerMs: number[];
};

/** SETTLE_RUNS starts of each server, all left idle together after one answer; their RSS once SETTLE_MS have passed. */
async function settledRss(servers: Record<string, () => Promise<Launched>>): Promise<Record<string, number | undefined>> {
  const started: { name: string; launched: Launched }[] = [];
  try {
    for (let r = 0; r < SETTLE_RUNS; r++)
      for (const [name, launch] of Object.entries(servers)) {
        const launched = await launch();
        started.push({ name, launched });
        const agent = new http.Agent();
        await post(agent, new URL(launched.endpoint), HEADERS('ListPipelines'), '{}');
        agent.destroy();
      }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return Object.fromEntries(Object.keys(servers).map((name) => [name, medianOf(started.filter((x) => x.name === name).map((x) => rssMiB(x.launched.child.pid!)))]));
  } finally {
    for (const { launched } of started) launched.child.kill('SIGTERM');
    await Promise.all(started.map((x) => x.launched.exited));
  }
}

/**
 * Startup of each entry and of the bare node:http server, BENCH_STARTUP_RUNS starts each, taken in turn
 * (one of each per round) so that a busy moment of the machine falls on all of them alike.
 */
async function startups(kinds: EntryKind[]): Promise<Record<string, StartupResult>> {
  const bodyFile = path.join(tmp, 'list-body.json');
  fs.writeFileSync(bodyFile, '{"pipelines":[]}');
  const servers: Record<string, () => Promise<Launched>> = { 'bare node:http (node bench/bare-server.mjs)': () => launchBare(bodyFile) };
  for (const kind of kinds) servers[kind === 'dist' ? 'node dist/main.js' : 'tsx src/main.ts (npm run dev)'] = () => launchEntry(kind);
  const samples: Record<string, StartSample[]> = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
  for (let r = 0; r < STARTUP_RUNS; r++) for (const [name, launch] of Object.entries(servers)) samples[name].push(await startOnce(launch));
  const settled = SETTLE_MS > 0 ? await settledRss(servers) : {};
  return Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => [
      name,
      {
        runs: xs.length,
        medianFirstAnswerMs: median(xs.map((x) => x.firstAnswerMs)),
        medianListeningMs: median(xs.map((x) => x.listeningMs)),
        medianCpuMs: medianOf(xs.map((x) => x.cpuMsToFirstAnswer)),
        medianIdleRssMiB: medianOf(xs.map((x) => x.idleRssMiB)),
        medianSettledRssMiB: settled[name],
        firstAnswerMs: xs.map((x) => Math.round(x.firstAnswerMs)),
      },
    ]),
  );
}

const BARE_START = 'bare node:http (node bench/bare-server.mjs)';

/** The start targets: the dist entry against the bare server of the same run. */
function startupTargets(s: Record<string, StartupResult>) {
  const dist = s['node dist/main.js'];
  const bare = s[BARE_START];
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  const firstAnswer = ratio(dist?.medianFirstAnswerMs, bare?.medianFirstAnswerMs);
  const rss = ratio(dist?.medianIdleRssMiB, bare?.medianIdleRssMiB);
  const settled = ratio(dist?.medianSettledRssMiB, bare?.medianSettledRssMiB);
  return {
    ratios: { firstAnswerVsBare: firstAnswer, cpuToFirstAnswerVsBare: ratio(dist?.medianCpuMs, bare?.medianCpuMs), idleRssVsBare: rss, settledRssVsBare: settled },
    targets: {
      'start to first answer <= 1.5 x bare node:http (node dist/main.js)': firstAnswer === undefined ? undefined : firstAnswer <= 1.5,
      [`idle RSS <= 1.3 x bare node:http, ${IDLE_MS / 1000} s after the first answer (node dist/main.js)`]: rss === undefined ? undefined : rss <= 1.3,
      [`idle RSS <= 1.3 x bare node:http, after ${SETTLE_MS / 1000} s idle (node dist/main.js)`]: settled === undefined ? undefined : settled <= 1.3,
    },
  };
}

function startupTable(s: Record<string, StartupResult>): string[] {
  const f = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  const bare = s[BARE_START];
  const vs = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${(a / b).toFixed(2)}x` : '-');
  return [
    `| Startup (spawn -> first answered ListPipelines; --in-memory) | first answer, median ms | vs bare | listening line, median ms | CPU to first answer, median ms | vs bare | RSS ${IDLE_MS / 1000} s after, median MiB | vs bare | RSS after ${SETTLE_MS / 1000} s idle, median of ${SETTLE_RUNS}, MiB | vs bare |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(s).map(
      ([k, v]) =>
        `| ${k} (${v.runs} runs) | ${f(v.medianFirstAnswerMs)} | ${vs(v.medianFirstAnswerMs, bare?.medianFirstAnswerMs)} | ${f(v.medianListeningMs)} | ${f(v.medianCpuMs)} | ${vs(v.medianCpuMs, bare?.medianCpuMs)} | ${f(v.medianIdleRssMiB, 1)} | ${vs(v.medianIdleRssMiB, bare?.medianIdleRssMiB)} | ${f(v.medianSettledRssMiB, 1)} | ${vs(v.medianSettledRssMiB, bare?.medianSettledRssMiB)} |`,
    ),
  ];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Seeds `SEED` pipelines through the wire, as a client would. */
async function seed(endpoint: string) {
  const agent = new http.Agent({ keepAlive: true });
  for (let i = 0; i < SEED; i++) {
    const a = await post(agent, new URL(endpoint), HEADERS('CreatePipeline'), declaration(seedName(i)));
    if (a.status !== 200) throw new Error(`seeding ${endpoint} failed: ${a.status} ${a.text}`);
  }
  agent.destroy();
}

/** Requests CreatePipeline load has sent so far, so names stay unique across runs. */
let createOffset = 0;
/** CreateDeletePipeline: CreatePipeline and DeletePipeline of the same name, alternately (the "mix"). */
type Op = 'GetPipeline' | 'GetPipelineState' | 'ListPipelines' | 'PollForJobs' | 'CreatePipeline' | 'CreateDeletePipeline';
/** The custom action type PollForJobs asks about; no job ever waits for it. */
const IDLE_TYPE = { category: 'Build', owner: 'Custom', provider: 'BenchIdle', version: '1' };

/** The i-th request of an operation, for the Node generator. */
function nodeRequest(op: Op) {
  if (op === 'CreateDeletePipeline') {
    // Request 2k creates pipeline k, request 2k+1 deletes it.
    const k = (i: number) => createOffset + Math.floor(i / 2);
    return {
      headers: (i: number) => HEADERS(i % 2 ? 'DeletePipeline' : 'CreatePipeline', createAccount(k(i))),
      body: (i: number) => (i % 2 ? JSON.stringify({ name: `mix-${k(i)}` }) : declaration(`mix-${k(i)}`)),
    };
  }
  const headers = op === 'CreatePipeline' ? (i: number) => HEADERS(op, createAccount(createOffset + i)) : () => HEADERS(op);
  const body =
    op === 'GetPipeline' || op === 'GetPipelineState'
      ? (i: number) => JSON.stringify({ name: seedName(i) })
      : op === 'PollForJobs'
        ? () => JSON.stringify({ actionTypeId: IDLE_TYPE, maxBatchSize: 1 })
        : op === 'ListPipelines'
          ? () => '{}'
          : (i: number) => declaration(`load-${createOffset + i}`);
  return { headers, body };
}

/** The same requests as Lua for wrk (its counter i starts at 1). */
function wrkRequest(op: Op): WrkRequest {
  const headers = HEADERS(op);
  if (op === 'GetPipeline' || op === 'GetPipelineState') return { headers, bodyLua: `string.format('{"name":"bench-%04d"}', i % ${SEED})` };
  if (op === 'PollForJobs') return { headers, bodyLua: luaString(JSON.stringify({ actionTypeId: IDLE_TYPE, maxBatchSize: 1 })) };
  if (op === 'ListPipelines') return { headers, bodyLua: luaString('{}') };
  const [before, after] = declaration('\u0000').split('\\u0000');
  const authorization = (n: string) =>
    `"AWS4-HMAC-SHA256 Credential=" .. string.format("%d", 200000000000 + math.floor(${n} / 500)) .. "/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0"`;
  if (op === 'CreateDeletePipeline') {
    // Odd requests create mix-k, even ones delete it (wrk's counter starts at 1).
    const k = `(${createOffset} + math.floor((i - 1) / 2))`;
    const name = `"mix-" .. string.format("%d", ${k})`;
    return {
      headers,
      authorizationLua: authorization(k),
      targetLua: `(i % 2 == 1) and "${TARGET}.CreatePipeline" or "${TARGET}.DeletePipeline"`,
      bodyLua: `(i % 2 == 1) and (${luaString(before)} .. ${name} .. ${luaString(after)}) or ('{"name":"' .. ${name} .. '"}')`,
    };
  }
  const n = `(${createOffset} + i)`;
  return {
    headers,
    authorizationLua: authorization(n),
    bodyLua: `${luaString(before)} .. "load-" .. string.format("%d", ${n}) .. ${luaString(after)}`,
  };
}

type Measured = LoadResult & { serverCpuMsPerRequest?: number; generatorCpuMsPerRequest?: number; serverCoreStealPct?: number };

/** The median of ROUNDS runs, figure by figure (req/s, p50, p99, CPU per request); counts from the median-req/s run. */
function medianRun(runs: Measured[]): Measured {
  const mid = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)];
  return {
    ...mid,
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    serverCpuMsPerRequest: medianOf(runs.map((r) => r.serverCpuMsPerRequest)),
    generatorCpuMsPerRequest: medianOf(runs.map((r) => r.generatorCpuMsPerRequest)),
    serverCoreStealPct: medianOf(runs.map((r) => r.serverCoreStealPct)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

/** Warm up, then measure one operation for BENCH_SECONDS, with wrk or the Node generator. */
async function measure(endpoint: string, op: Op, serverPid?: number): Promise<Measured> {
  const once = async (seconds: number): Promise<Measured> => {
    if (USE_WRK) return runWrk({ url: endpoint, request: wrkRequest(op), connections: CONCURRENCY, seconds, serverPid });
    const cpu0 = serverPid ? cpuSeconds(serverPid) : undefined;
    const own0 = process.cpuUsage();
    const r = await runLoad({ url: endpoint, ...nodeRequest(op), concurrency: CONCURRENCY, maxRequests: MAX_REQUESTS, durationMs: seconds * 1000 });
    const own = process.cpuUsage(own0);
    const cpu1 = serverPid ? cpuSeconds(serverPid) : undefined;
    return {
      ...r,
      generatorCpuMsPerRequest: r.requests ? (own.user + own.system) / 1000 / r.requests : undefined,
      ...(cpu0 !== undefined && cpu1 !== undefined && r.requests && { serverCpuMsPerRequest: ((cpu1 - cpu0) * 1000) / r.requests }),
    };
  };
  // wrk leaves requests in flight uncounted when it stops: skip past them so names stay unique.
  if (WARMUP_SECONDS > 0) createOffset += (await once(WARMUP_SECONDS)).requests + 2 * CONCURRENCY;
  const r = await once(SECONDS);
  createOffset += r.requests + 2 * CONCURRENCY;
  const cpu = r.serverCpuMsPerRequest === undefined ? '' : `  server CPU ${r.serverCpuMsPerRequest.toFixed(3)} ms/req`;
  const steal = r.serverCoreStealPct === undefined ? '' : `  steal ${r.serverCoreStealPct.toFixed(1)}%`;
  log(`  ${op.padEnd(16)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}${cpu}${steal}`);
  return r;
}

async function startBare(bodyFile: string): Promise<string> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'bare-server.mjs'), bodyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  pinToServerCpu(child.pid!);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`bare server exited ${c}`)));
  });
  return `http://127.0.0.1:${port}`;
}

const hasCommand = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function startMoto(): Promise<string> {
  const port = await freePort();
  const child = spawn('moto_server', ['-p', String(port), '-H', '127.0.0.1'], { stdio: 'ignore' });
  children.push(child);
  pinToServerCpu(child.pid!);
  const endpoint = `http://127.0.0.1:${port}`;
  const agent = new http.Agent();
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await post(agent, new URL(endpoint), HEADERS('ListPipelines'), '{}')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error('moto_server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // moto checks that the pipeline's role exists and trusts CodePipeline.
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const form = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'CodePipelineServiceRole', AssumeRolePolicyDocument: policy });
  const role = await post(agent, new URL(endpoint), {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
  }, form.toString());
  agent.destroy();
  if (role.status !== 200) throw new Error(`moto CreateRole failed: ${role.status} ${role.text}`);
  return endpoint;
}

async function main() {
  const began = performance.now();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` };
  log(`bench: ${SECONDS}s per measurement (+${WARMUP_SECONDS}s warm-up), concurrency ${CONCURRENCY}, ${SEED} pipelines seeded; ${machine.cpus} CPUs, node ${machine.node}`);

  let build: { ok: boolean; note: string } = { ok: true, note: 'skipped (BENCH_SKIP_BUILD=1)' };
  if (!process.env.BENCH_SKIP_BUILD) {
    log('building dist/ (npm run build)...');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    build = { ok: b.status === 0, note: b.status === 0 ? 'ok' : `tsc exited ${b.status} (emitted anyway): ${(b.stdout + b.stderr).trim().split('\n').slice(-3).join(' | ')}` };
  }
  const hasDist = fs.existsSync(path.join(ROOT, 'dist', 'main.js'));
  // What `node dist/main.js` runs: the bundle with its V8 code cache (npm run build), or tsc's modules alone.
  const built = (f: string) => fs.existsSync(path.join(ROOT, 'dist', f));
  if (hasDist) build.note += built('cli.cjs') && fs.readFileSync(path.join(ROOT, 'dist', 'main.js'), 'utf8').includes('./cli.cjs') ? `; dist/main.js runs the bundle dist/cli.cjs, ${built('cli.cjs.cache') ? 'with' : 'WITHOUT'} its code cache` : '; dist/main.js is tsc output (no bundle)';
  log(`build: ${build.note}`);
  const kind: EntryKind = hasDist ? 'dist' : 'tsx';

  const runStartup = !ONLY || ONLY.has('startup');
  if (runStartup) log('startup: spawn -> first answered ListPipelines, and idle RSS, of each entry and of the bare node:http server');
  const startupResults = runStartup ? await startups(hasDist ? ['dist', 'tsx'] : ['tsx']) : {};
  const startupRatios = startupTargets(startupResults);
  if (process.env.BENCH_ONLY === 'startup') {
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    const only = { date: new Date().toISOString(), machine, settings: { startupRuns: STARTUP_RUNS, idleMs: IDLE_MS, settleMs: SETTLE_MS }, build, startup: startupResults, ...startupRatios };
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'startup.json'), `${JSON.stringify(only, null, 2)}\n`);
    const targets = Object.entries(startupRatios.targets).map(([k, v]) => `target ${k}: ${v === undefined ? 'not measured' : v ? 'met' : 'NOT met'}`);
    process.stdout.write(['', ...startupTable(startupResults), '', ...targets, 'JSON in bench/results/startup.json', ''].join('\n'));
    return;
  }

  log(`emulator (${kind === 'dist' ? 'node dist/main.js' : 'tsx src/main.ts'}, SQLite in a temp --data-dir)`);
  const emu = await startEntry({ kind, args: ['--port', '0', '--data-dir', path.join(tmp, 'data'), '--log-level', 'warn'] });
  entries.push(emu);
  pinToServerCpu(emu.child.pid!);
  await seed(emu.endpoint);
  const idle = await post(new http.Agent(), new URL(emu.endpoint), HEADERS('CreateCustomActionType'), JSON.stringify({
    ...IDLE_TYPE,
    inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
  }));
  if (idle.status !== 200) throw new Error(`CreateCustomActionType failed: ${idle.status} ${idle.text}`);
  const sampleGet = await post(new http.Agent(), new URL(emu.endpoint), HEADERS('GetPipeline'), JSON.stringify({ name: seedName(0) }));
  const pid = emu.child.pid!;
  const rows = (['GetPipeline', 'GetPipelineState', 'ListPipelines', 'PollForJobs', 'CreatePipeline', 'CreateDeletePipeline'] as Op[]).filter((op) => !ONLY || ONLY.has(op));
  // The bare ceiling (a fixed GetPipeline-sized JSON answer) is measured in every round, just before the
  // emulator's rows, so each ratio compares runs a few seconds apart: this machine's throughput drifts
  // 10-20% over a minute.
  const bodyFile = path.join(tmp, 'get-body.json');
  fs.writeFileSync(bodyFile, sampleGet.text);
  const bareEndpoint = await startBare(bodyFile);
  const barePid = children.at(-1)!.pid;
  const bareRuns: Measured[] = [];
  const emulatorRuns = new Map<Op, Measured[]>(rows.map((op) => [op, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round} of ${ROUNDS}: bare node:http, then the emulator`);
    bareRuns.push(await measure(bareEndpoint, 'GetPipeline', barePid));
    for (const op of rows) emulatorRuns.get(op)!.push(await measure(emu.endpoint, op, pid));
  }
  children.at(-1)!.kill('SIGTERM');
  await killEntry(emu, 'SIGTERM');
  const bare = { GetPipeline: medianRun(bareRuns) };
  const emulator: Partial<Record<Op, Measured>> = Object.fromEntries(rows.map((op) => [op, medianRun(emulatorRuns.get(op)!)]));
  /** Each round's ratio to that round's bare ceiling, for the JSON: how much the rounds agree. */
  const roundRatios = Object.fromEntries(rows.map((op) => [op, emulatorRuns.get(op)!.map((r, i) => Number((r.rps / bareRuns[i].rps).toFixed(3)))]));

  let moto: Record<string, LoadResult> | undefined;
  let motoNote = 'not installed';
  if (process.env.BENCH_SKIP_MOTO || ONLY) motoNote = `skipped (${ONLY ? 'BENCH_ONLY' : 'BENCH_SKIP_MOTO=1'})`;
  else if (hasCommand('moto_server')) {
    log('moto_server');
    const motoEndpoint = await startMoto();
    await seed(motoEndpoint);
    const motoPid = children.at(-1)!.pid;
    moto = {
      GetPipeline: await measure(motoEndpoint, 'GetPipeline', motoPid),
      ListPipelines: await measure(motoEndpoint, 'ListPipelines', motoPid),
      CreatePipeline: await measure(motoEndpoint, 'CreatePipeline', motoPid),
    };
    motoNote = 'moto_server (moto 5, werkzeug dev server)';
    children.at(-1)!.kill('SIGTERM');
  }

  if (!ONLY) log('engine: 5-stage pipelines of custom actions answered by an in-process job worker');
  const engine = ONLY ? [] : await runEngineBench();
  if (!ONLY) log('engine latency: one execution at a time (5 stages of in-process actions; a CodeBuild action running one echo)');
  const latency = ONLY ? undefined : await runEngineLatencyBench();

  const scale = process.env.BENCH_SCALE === '1' ? await runScaleBench() : undefined;

  const vsBare = (op: Op) => (emulator[op] ? emulator[op].rps / bare.GetPipeline.rps : undefined);
  /** A target on a ratio: undefined when its row was not measured (BENCH_ONLY). */
  const atLeast = (ratio: number | undefined, t: number) => (ratio === undefined ? undefined : ratio >= t);
  const ratios = {
    getVsBare: vsBare('GetPipeline'),
    stateVsBare: vsBare('GetPipelineState'),
    listVsBare: vsBare('ListPipelines'),
    pollVsBare: vsBare('PollForJobs'),
    createVsBare: vsBare('CreatePipeline'),
    createDeleteVsBare: vsBare('CreateDeletePipeline'),
    getVsMoto: moto && emulator.GetPipeline ? emulator.GetPipeline.rps / moto.GetPipeline.rps : undefined,
    listVsMoto: moto && emulator.ListPipelines ? emulator.ListPipelines.rps / moto.ListPipelines.rps : undefined,
    createVsMoto: moto && emulator.CreatePipeline ? emulator.CreatePipeline.rps / moto.CreatePipeline.rps : undefined,
  };
  const readsMeasured = (['GetPipeline', 'GetPipelineState', 'ListPipelines', 'PollForJobs'] as const).flatMap((op) => emulator[op] ?? []);
  const targets = {
    ...startupRatios.targets,
    'GetPipeline >= 0.6 x bare ceiling': atLeast(ratios.getVsBare, 0.6),
    'GetPipelineState >= 0.4 x bare': atLeast(ratios.stateVsBare, 0.4),
    'ListPipelines (200, one page) >= 0.2 x bare': atLeast(ratios.listVsBare, 0.2),
    'PollForJobs (no job) >= 0.6 x bare': atLeast(ratios.pollVsBare, 0.6),
    'CreatePipeline + DeletePipeline mix >= 0.1 x bare': atLeast(ratios.createDeleteVsBare, 0.1),
    'p99 of every read <= 5 ms': readsMeasured.length ? readsMeasured.every((r) => r.p99Ms <= 5) : undefined,
    'GetPipeline >= 5 x moto': ratios.getVsMoto === undefined ? undefined : ratios.getVsMoto >= 5,
    'engine overhead < 5 ms per stage transition': ONLY ? undefined : engine.every((e) => e.engineMsPerTransition < 5),
    'no execution lost or stuck': ONLY ? undefined : engine.every((e) => e.succeeded === e.executions && Object.keys(e.otherwise).length === 0),
    '5-stage in-process pipeline: StartPipelineExecution -> Succeeded (polled) median <= 20 ms': latency ? latency.pipelineWall.median <= 20 : undefined,
    'CodeBuild `echo` action: start -> success median <= 100 ms': latency ? latency.codeBuildAction.median <= 100 : undefined,
    'no latency-bench execution failed': latency ? latency.failures.length === 0 : undefined,
    'scale: every read with 100,000 executions within 1.5x of 10 executions (p50)': scale && Object.values(scale.withinTarget).every(Boolean),
  };

  const results = {
    date: new Date().toISOString(),
    machine,
    settings: {
      seconds: SECONDS,
      rounds: ROUNDS,
      warmupSeconds: WARMUP_SECONDS,
      concurrency: CONCURRENCY,
      startupRuns: STARTUP_RUNS,
      seeded: SEED,
      emulatorEntry: kind,
      generator: USE_WRK ? `wrk, 1 thread, on CPU ${GENERATOR_CPU}; servers pinned to CPU ${SERVER_CPU}` : 'the Node generator (bench/load.ts), in the bench process',
    },
    build,
    startup: startupResults,
    startupRatios: startupRatios.ratios,
    emulator,
    bare,
    moto: moto ?? motoNote,
    ratios,
    roundRatios,
    engine,
    latency,
    ...(scale && { scale }),
    targets,
    totalSeconds: (performance.now() - began) / 1000,
  };
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results) + engineTable(engine) + (latency ? engineLatencyTable(latency) : '') + (scale ? scaleTable(scale) : ''));
}

function table(r: {
  machine: { cpus: number; cpuModel: string; node: string };
  settings: { seconds: number; rounds: number; concurrency: number; seeded: number; emulatorEntry: string; generator: string };
  startup: Record<string, StartupResult>;
  emulator: Record<string, LoadResult>;
  bare: Record<string, LoadResult>;
  moto: Record<string, LoadResult> | string;
  ratios: Record<string, number | undefined>;
  targets: Record<string, boolean | undefined>;
  totalSeconds: number;
}): string {
  const f = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  const lines = [
    '',
    `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}. Load: ${r.settings.generator}; ${r.settings.concurrency} concurrent keep-alive connections, ${r.settings.seconds} s per row, each figure the median of ${r.settings.rounds} rounds (the bare ceiling measured in every round), ${r.settings.seeded} pipelines seeded.`,
    '',
    ...startupTable(r.startup),
    '',
    '| Server | Operation | req/s | vs bare | p50 ms | p99 ms | errors | bytes/answer | server CPU ms/req | steal % of the server core |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const bareRps = r.bare.GetPipeline?.rps;
  const rows = (server: string, set: Record<string, LoadResult & { serverCpuMsPerRequest?: number; serverCoreStealPct?: number }>) =>
    Object.entries(set).map(
      ([op, x]) =>
        `| ${server} | ${op} | ${f(x.rps)} | ${f(bareRps ? x.rps / bareRps : undefined, 2)} | ${f(x.p50Ms, 2)} | ${f(x.p99Ms, 2)} | ${x.errors} | ${f(x.meanResponseBytes)} | ${f(x.serverCpuMsPerRequest, 3)} | ${f(x.serverCoreStealPct, 1)} |`,
    );
  lines.push(...rows(`codepipeline-local (${r.settings.emulatorEntry})`, r.emulator), ...rows('bare node:http', r.bare));
  if (typeof r.moto === 'string') lines.push(`| moto_server | - | ${r.moto} | | | | | | | |`);
  else lines.push(...rows('moto_server', r.moto));
  lines.push(
    '',
    `GetPipeline vs bare ceiling: ${f(r.ratios.getVsBare, 2)}x; vs moto: ${f(r.ratios.getVsMoto, 1)}x (ListPipelines ${f(r.ratios.listVsMoto, 1)}x, CreatePipeline ${f(r.ratios.createVsMoto, 1)}x)`,
    ...Object.entries(r.targets).map(([k, v]) => `target ${k}: ${v === undefined ? 'not measured' : v ? 'met' : 'NOT met'}`),
    `total ${f(r.totalSeconds, 1)} s; JSON in bench/results/latest.json`,
    '',
  );
  return lines.join('\n');
}

try {
  await main();
} finally {
  await cleanup();
}
