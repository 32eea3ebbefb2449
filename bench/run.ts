// `npm run bench`: startup time and request throughput of the emulator (the CLI entry, in a child
// process), against a bare node:http ceiling and moto_server, on this machine, in one run.
// Load comes from wrk pinned to one core (servers pinned to another) when wrk is installed, else from
// the Node generator in bench/load.ts (BENCH_GENERATOR=node forces it), whose own CPU use is reported.
// Knobs (env): BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (0.5), BENCH_CONCURRENCY (32),
// BENCH_STARTUP_RUNS (5), BENCH_SEED (200), BENCH_SKIP_BUILD=1, BENCH_SKIP_MOTO=1, BENCH_SCALE=1 (adds
// bench/scale.ts: 1,000 pipelines and 100,000 executions; off by default, it takes a few minutes).
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
import { runScaleBench, scaleTable } from './scale.js';
import { GENERATOR_CPU, SERVER_CPU, cpuSeconds, hasWrk, luaString, pinToServerCpu, runWrk, type WrkRequest } from './wrk.js';

const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = num('BENCH_SECONDS', 3);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 0.5);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
/** wrk when installed (BENCH_GENERATOR=node forces the Node generator, whose own CPU use is then reported). */
const USE_WRK = process.env.BENCH_GENERATOR !== 'node' && hasWrk();
const STARTUP_RUNS = num('BENCH_STARTUP_RUNS', 5);
const SEED = num('BENCH_SEED', 200);
const MAX_REQUESTS = 2_000_000;

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

/** Spawn of the CLI entry -> its first answered ListPipelines, and -> its "listening" line. */
async function startup(kind: EntryKind) {
  const firstAnswer: number[] = [];
  const listening: number[] = [];
  for (let r = 0; r < STARTUP_RUNS; r++) {
    const t0 = performance.now();
    const e = await startEntry({ kind, args: ['--port', '0', '--in-memory', '--log-level', 'warn'] });
    entries.push(e);
    const t1 = performance.now();
    const agent = new http.Agent();
    const a = await post(agent, new URL(e.endpoint), HEADERS('ListPipelines'), '{}');
    const t2 = performance.now();
    agent.destroy();
    if (a.status !== 200) throw new Error(`ListPipelines answered ${a.status}: ${a.text}`);
    listening.push(t1 - t0);
    firstAnswer.push(t2 - t0);
    e.child.kill('SIGTERM');
    await e.exited;
  }
  return { runs: STARTUP_RUNS, medianFirstAnswerMs: median(firstAnswer), medianListeningMs: median(listening), firstAnswerMs: firstAnswer };
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
type Op = 'GetPipeline' | 'GetPipelineState' | 'ListPipelines' | 'PollForJobs' | 'CreatePipeline';
/** The custom action type PollForJobs asks about; no job ever waits for it. */
const IDLE_TYPE = { category: 'Build', owner: 'Custom', provider: 'BenchIdle', version: '1' };

/** The i-th request of an operation, for the Node generator. */
function nodeRequest(op: Op) {
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
  const n = `(${createOffset} + i)`;
  return {
    headers,
    authorizationLua: `"AWS4-HMAC-SHA256 Credential=" .. string.format("%d", 200000000000 + math.floor(${n} / 500)) .. "/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0"`,
    bodyLua: `${luaString(before)} .. "load-" .. string.format("%d", ${n}) .. ${luaString(after)}`,
  };
}

type Measured = LoadResult & { serverCpuMsPerRequest?: number; generatorCpuMsPerRequest?: number };

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
  log(`  ${op.padEnd(16)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}${cpu}`);
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
  const kind: EntryKind = hasDist ? 'dist' : 'tsx';

  log('startup: spawn -> first answered ListPipelines');
  const startupResults: Record<string, Awaited<ReturnType<typeof startup>>> = {};
  if (hasDist) startupResults['node dist/main.js'] = await startup('dist');
  startupResults['tsx src/main.ts (npm run dev)'] = await startup('tsx');

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
  const emulator = {
    GetPipeline: await measure(emu.endpoint, 'GetPipeline', pid),
    GetPipelineState: await measure(emu.endpoint, 'GetPipelineState', pid),
    ListPipelines: await measure(emu.endpoint, 'ListPipelines', pid),
    PollForJobs: await measure(emu.endpoint, 'PollForJobs', pid),
    CreatePipeline: await measure(emu.endpoint, 'CreatePipeline', pid),
  };
  await killEntry(emu, 'SIGTERM');

  log('bare node:http ceiling (fixed GetPipeline-sized JSON answer)');
  const bodyFile = path.join(tmp, 'get-body.json');
  fs.writeFileSync(bodyFile, sampleGet.text);
  const bareEndpoint = await startBare(bodyFile);
  const bare = { GetPipeline: await measure(bareEndpoint, 'GetPipeline', children.at(-1)!.pid) };
  children.at(-1)!.kill('SIGTERM');

  let moto: Record<string, LoadResult> | undefined;
  let motoNote = 'not installed';
  if (process.env.BENCH_SKIP_MOTO) motoNote = 'skipped (BENCH_SKIP_MOTO=1)';
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

  log('engine: 5-stage pipelines of custom actions answered by an in-process job worker');
  const engine = await runEngineBench();

  const scale = process.env.BENCH_SCALE === '1' ? await runScaleBench() : undefined;

  const dist = startupResults['node dist/main.js'];
  const vsBare = (op: keyof typeof emulator) => emulator[op].rps / bare.GetPipeline.rps;
  const ratios = {
    getVsBare: vsBare('GetPipeline'),
    stateVsBare: vsBare('GetPipelineState'),
    listVsBare: vsBare('ListPipelines'),
    pollVsBare: vsBare('PollForJobs'),
    createVsBare: vsBare('CreatePipeline'),
    getVsMoto: moto ? emulator.GetPipeline.rps / moto.GetPipeline.rps : undefined,
    listVsMoto: moto ? emulator.ListPipelines.rps / moto.ListPipelines.rps : undefined,
    createVsMoto: moto ? emulator.CreatePipeline.rps / moto.CreatePipeline.rps : undefined,
  };
  const targets = {
    'first answer < 300 ms (node dist/main.js)': dist ? dist.medianFirstAnswerMs < 300 : undefined,
    'GetPipeline >= 0.6 x bare ceiling': ratios.getVsBare >= 0.6,
    'GetPipelineState >= 0.4 x bare': ratios.stateVsBare >= 0.4,
    'ListPipelines (200, one page) >= 0.2 x bare': ratios.listVsBare >= 0.2,
    'PollForJobs (no job) >= 0.6 x bare': ratios.pollVsBare >= 0.6,
    'CreatePipeline >= 0.1 x bare': ratios.createVsBare >= 0.1,
    'p99 of every read <= 5 ms': (['GetPipeline', 'GetPipelineState', 'ListPipelines', 'PollForJobs'] as const).every((op) => emulator[op].p99Ms <= 5),
    'GetPipeline >= 5 x moto': ratios.getVsMoto === undefined ? undefined : ratios.getVsMoto >= 5,
    'engine overhead < 5 ms per stage transition': engine.every((e) => e.engineMsPerTransition < 5),
    'no execution lost or stuck': engine.every((e) => e.succeeded === e.executions && Object.keys(e.otherwise).length === 0),
    'scale: every read with 100,000 executions within 1.5x of 10 executions (p50)': scale && Object.values(scale.withinTarget).every(Boolean),
  };

  const results = {
    date: new Date().toISOString(),
    machine,
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      concurrency: CONCURRENCY,
      startupRuns: STARTUP_RUNS,
      seeded: SEED,
      emulatorEntry: kind,
      generator: USE_WRK ? `wrk, 1 thread, on CPU ${GENERATOR_CPU}; servers pinned to CPU ${SERVER_CPU}` : 'the Node generator (bench/load.ts), in the bench process',
    },
    build,
    startup: startupResults,
    emulator,
    bare,
    moto: moto ?? motoNote,
    ratios,
    engine,
    ...(scale && { scale }),
    targets,
    totalSeconds: (performance.now() - began) / 1000,
  };
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results) + engineTable(engine) + (scale ? scaleTable(scale) : ''));
}

function table(r: {
  machine: { cpus: number; cpuModel: string; node: string };
  settings: { seconds: number; concurrency: number; seeded: number; emulatorEntry: string; generator: string };
  startup: Record<string, { runs: number; medianFirstAnswerMs: number; medianListeningMs: number }>;
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
    `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}. Load: ${r.settings.generator}; ${r.settings.concurrency} concurrent keep-alive connections, ${r.settings.seconds} s per row, ${r.settings.seeded} pipelines seeded.`,
    '',
    '| Startup (spawn -> first answered ListPipelines) | median ms | listening line, median ms |',
    '|---|---:|---:|',
    ...Object.entries(r.startup).map(([k, v]) => `| ${k} (${v.runs} runs) | ${f(v.medianFirstAnswerMs)} | ${f(v.medianListeningMs)} |`),
    '',
    '| Server | Operation | req/s | vs bare | p50 ms | p99 ms | errors | bytes/answer | server CPU ms/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const bareRps = r.bare.GetPipeline?.rps;
  const rows = (server: string, set: Record<string, LoadResult & { serverCpuMsPerRequest?: number }>) =>
    Object.entries(set).map(
      ([op, x]) =>
        `| ${server} | ${op} | ${f(x.rps)} | ${f(bareRps ? x.rps / bareRps : undefined, 2)} | ${f(x.p50Ms, 2)} | ${f(x.p99Ms, 2)} | ${x.errors} | ${f(x.meanResponseBytes)} | ${f(x.serverCpuMsPerRequest, 3)} |`,
    );
  lines.push(...rows(`codepipeline-local (${r.settings.emulatorEntry})`, r.emulator), ...rows('bare node:http', r.bare));
  if (typeof r.moto === 'string') lines.push(`| moto_server | - | ${r.moto} | | | | | | |`);
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
