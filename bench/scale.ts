// `npm run bench:scale`: read latency with a big history. One account holds 1,000 pipelines and
// 100,000 executions: one "hot" pipeline with half of them, one with 10, the rest spread over the others.
// Seeding: one real execution of a 3-stage pipeline of custom actions runs through the engine (an
// in-process emulator and job worker), then its rows (execution, stages, actions, jobs, events) are
// copied with new ids, sequence numbers and times straight into the same tables, so the API reads the
// copies exactly as it reads the original (checked below through the SDK before anything is measured).
// Then the CLI entry is started as a child process on that folder and each read is sent sequentially:
// median and p99 latency, and the server's CPU ms per request (from /proc), for the 10-execution
// pipeline and the hot one. The database size is reported at 25%, 50% and 100% of the executions.
// Knobs (env): SCALE_EXECUTIONS (100000), SCALE_PIPELINES (1000), SCALE_HOT (50000), SCALE_REQUESTS (200),
// SCALE_KEEP=1 keeps the data folder (to look at the database), SCALE_ONLY=TEXT measures only the rows whose label starts with TEXT.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { killEntry, startEntry } from '../conformance/scripts/entry.js';
import { start } from '../src/index.js';
import { Store } from '../src/store/index.js';
import { post } from './load.js';
import { cpuSeconds } from './wrk.js';

const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const EXECUTIONS = num('SCALE_EXECUTIONS', 100_000);
const PIPELINES = num('SCALE_PIPELINES', 1000);
const HOT = num('SCALE_HOT', Math.floor(EXECUTIONS / 2));
const REQUESTS = num('SCALE_REQUESTS', 200);
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TEN = 10;

const HOT_NAME = 'scale-0000';
const TEN_NAME = 'scale-0001';
const pipelineName = (i: number) => `scale-${String(i).padStart(4, '0')}`;

const headers = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `CodePipeline_20150709.${op}`,
  authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/${REGION}/codepipeline/aws4_request, SignedHeaders=host, Signature=0`,
});
const log = (m: string) => process.stderr.write(`${m}\n`);

const SOURCE = { category: 'Source', owner: 'Custom', provider: 'ScaleSource', version: '1' };
const BUILD = { category: 'Build', owner: 'Custom', provider: 'ScaleBuild', version: '1' };

function declaration(name: string) {
  const act = (type: typeof SOURCE, extra: object) => ({ name: 'A', actionTypeId: type, configuration: { P: 'scale' }, ...extra });
  return {
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
    artifactStore: { type: 'S3', location: 'scale-artifacts' },
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    stages: [
      { name: 'Source', actions: [act(SOURCE, { outputArtifacts: [{ name: 'Src' }] })] },
      { name: 'Build', actions: [act(BUILD, { inputArtifacts: [{ name: 'Src' }], outputArtifacts: [{ name: 'Out' }] })] },
      { name: 'Deploy', actions: [act(BUILD, { inputArtifacts: [{ name: 'Out' }] })] },
    ],
  };
}

/** `blanks`: that many trailing spaces after the JSON body (the same request, another raw body). */
type Call = (op: string, body: unknown, blanks?: number) => Promise<any>;
function caller(endpoint: string): { call: Call; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(endpoint);
  return {
    call: async (op, body, blanks = 0) => {
      const r = await post(agent, url, headers(op), JSON.stringify(body) + ' '.repeat(blanks));
      if (r.status !== 200) throw new Error(`${op}: ${r.status} ${r.text}`);
      return JSON.parse(r.text || '{}');
    },
    close: () => agent.destroy(),
  };
}

/** Runs executions of `name` through the engine, answering its jobs, until `count` have succeeded. */
async function runReal(call: Call, name: string, count: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { pipelineExecutionSummaries: s } = await call('ListPipelineExecutions', { pipelineName: name });
    const succeeded = s.filter((e: { status: string }) => e.status === 'Succeeded').length;
    if (s.some((e: { status: string }) => e.status !== 'Succeeded' && e.status !== 'InProgress')) throw new Error(`a real execution ended ${JSON.stringify(s)}`);
    if (succeeded >= count) return;
    if (Date.now() > deadline) throw new Error('the real executions did not finish within 60 s');
    if (!s.some((e: { status: string }) => e.status === 'InProgress')) await call('StartPipelineExecution', { name });
    for (const type of [SOURCE, BUILD]) {
      const { jobs } = await call('PollForJobs', { actionTypeId: type, maxBatchSize: 10, queryParam: { P: 'scale' } });
      for (const j of jobs) {
        await call('AcknowledgeJob', { jobId: j.id, nonce: j.nonce });
        await call('PutJobSuccessResult', {
          jobId: j.id,
          ...(type === SOURCE && { currentRevision: { revision: `rev-${j.id.slice(0, 8)}`, changeIdentifier: 'c' } }),
          outputVariables: { Commit: 'abc123' },
          executionDetails: { summary: 'done', externalExecutionId: j.id.slice(0, 8), percentComplete: 100 },
        });
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Starts one execution and answers its jobs until it succeeded; answers the wall time in ms. */
async function runOne(call: Call, name: string): Promise<number> {
  const t0 = performance.now();
  const { pipelineExecutionId } = await call('StartPipelineExecution', { name });
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const type of [SOURCE, BUILD]) {
      const { jobs } = await call('PollForJobs', { actionTypeId: type, maxBatchSize: 10, queryParam: { P: 'scale' } });
      for (const j of jobs) {
        await call('AcknowledgeJob', { jobId: j.id, nonce: j.nonce });
        await call('PutJobSuccessResult', { jobId: j.id, ...(type === SOURCE && { currentRevision: { revision: 'r', changeIdentifier: 'c' } }) });
      }
    }
    const { pipelineExecution } = await call('GetPipelineExecution', { pipelineName: name, pipelineExecutionId });
    if (pipelineExecution.status === 'Succeeded') return performance.now() - t0;
    if (pipelineExecution.status !== 'InProgress') throw new Error(`an execution of ${name} ended ${pipelineExecution.status}`);
    if (Date.now() > deadline) throw new Error(`an execution of ${name} did not succeed within 30 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Executions run one after another through the engine: wall ms each, and the server's CPU ms per execution. */
async function timeExecutions(call: Call, pid: number, name: string, runs: number): Promise<Timing> {
  for (let i = 0; i < 2; i++) await runOne(call, name);
  const wall: number[] = [];
  const cpu0 = cpuSeconds(pid);
  for (let i = 0; i < runs; i++) wall.push(await runOne(call, name));
  const cpu1 = cpuSeconds(pid);
  return {
    p50Ms: pct(wall, 50),
    p99Ms: pct(wall, 99),
    ...(cpu0 !== undefined && cpu1 !== undefined && { cpuMsPerRequest: ((cpu1 - cpu0) * 1000) / runs }),
  };
}

/** The rows of one recorded execution, as stored. */
interface Template {
  execution: Record<string, unknown>;
  stages: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  jobs: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

function readTemplate(db: Store['db'], executionId: string): Template {
  return {
    execution: db.prepare('SELECT * FROM executions WHERE id = ?').get(executionId) as Record<string, unknown>,
    stages: db.prepare('SELECT * FROM stage_executions WHERE execution_id = ? ORDER BY rowid').all(executionId) as Record<string, unknown>[],
    actions: db.prepare('SELECT * FROM action_executions WHERE execution_id = ? ORDER BY rowid').all(executionId) as Record<string, unknown>[],
    jobs: db
      .prepare('SELECT j.* FROM jobs j JOIN action_executions a ON a.id = j.action_execution_id WHERE a.execution_id = ? ORDER BY j.rowid')
      .all(executionId) as Record<string, unknown>[],
    events: db.prepare('SELECT * FROM events WHERE execution_id = ? ORDER BY seq').all(executionId) as Record<string, unknown>[],
  };
}

const insertSql = (db: Store['db'], table: string, skip: string[] = []) => {
  const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !skip.includes(c));
  const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
  return (row: Record<string, unknown>) => stmt.run(Object.fromEntries(cols.map((c) => [c, row[c] ?? null])));
};

/** Copies the template execution as execution `seq` of `pipeline`, `shift` ms later than the original. */
function copier(db: Store['db'], t: Template) {
  const ins = {
    execution: insertSql(db, 'executions'),
    stage: insertSql(db, 'stage_executions'),
    action: insertSql(db, 'action_executions'),
    job: insertSql(db, 'jobs'),
    event: insertSql(db, 'events', ['seq']),
  };
  const fromName = t.execution.pipeline as string;
  const fromExec = t.execution.id as string;
  const timeCols = ['created', 'updated', 'started', 'time'];
  // Each text value is cut once at the ids and the pipeline name it holds; a copy joins the pieces
  // with its own (slot 0: the pipeline name, 1: the execution id, then action and job ids).
  const from = [fromName, fromExec, ...t.actions.map((a) => a.id as string), ...t.jobs.map((j) => j.id as string)];
  const cut = new RegExp(from.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  type Piece = string | number;
  const compile = (row: Record<string, unknown>) =>
    Object.entries(row).map(([k, v]): [string, unknown, Piece[] | undefined] => {
      if (typeof v !== 'string' || v.search(cut) < 0) return [k, v, undefined];
      const pieces: Piece[] = [];
      let at = 0;
      for (const m of v.matchAll(cut)) {
        pieces.push(v.slice(at, m.index), from.indexOf(m[0]));
        at = m.index + m[0].length;
      }
      pieces.push(v.slice(at));
      return [k, v, pieces];
    });
  const rows = {
    execution: compile(t.execution),
    stages: t.stages.map(compile),
    actions: t.actions.map(compile),
    jobs: t.jobs.map(compile),
    events: t.events.map(compile),
  };
  return (pipeline: string, seq: number, shift: number) => {
    const to = [pipeline, randomUUID(), ...t.actions.map(() => randomUUID()), ...t.jobs.map(() => randomUUID())];
    const make = (cols: ReturnType<typeof compile>) => {
      const out: Record<string, unknown> = {};
      for (const [k, v, pieces] of cols)
        out[k] = pieces ? pieces.map((p) => (typeof p === 'number' ? to[p] : p)).join('') : typeof v === 'number' && timeCols.includes(k) ? v + shift : v;
      return out;
    };
    ins.execution({ ...make(rows.execution), seq, client_request_token: null });
    for (const r of rows.stages) ins.stage(make(r));
    for (const r of rows.actions) ins.action(make(r));
    for (const r of rows.jobs) ins.job({ ...make(r), nonce: null });
    for (const r of rows.events) ins.event(make(r));
  };
}

function dbBytes(db: Store['db']): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}

/** Phase 1: the real executions, then the copies; answers the database size at each checkpoint. */
async function seed(dataDir: string) {
  const emu = await start({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' });
  const { call, close } = caller(emu.endpoint);
  let realIds: string[];
  try {
    for (const t of [SOURCE, BUILD])
      await call('CreateCustomActionType', {
        ...t,
        configurationProperties: [{ name: 'P', required: true, key: true, secret: false, queryable: true }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      });
    for (const name of [HOT_NAME, TEN_NAME]) await call('CreatePipeline', { pipeline: declaration(name) });
    // Two real ones in the hot pipeline: the oldest is the template, the newest is compared with a copy.
    await runReal(call, HOT_NAME, 2);
    await runReal(call, TEN_NAME, 1);
    realIds = (await call('ListPipelineExecutions', { pipelineName: HOT_NAME })).pipelineExecutionSummaries.map((s: any) => s.pipelineExecutionId);
  } finally {
    close();
    await emu.stop();
  }
  const store = Store.open({ inMemory: false, dataDir });
  const db = store.db;
  // Only this bench writes here, and a crash just means seeding again: no fsync, a big page cache.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const template = readTemplate(db, realIds[realIds.length - 1]);
  const copy = copier(db, template);
  const pipelineRow = db.prepare('SELECT * FROM pipelines WHERE name = ?').get(HOT_NAME) as Record<string, unknown>;
  const versionRow = db.prepare('SELECT * FROM pipeline_versions WHERE name = ?').get(HOT_NAME) as Record<string, unknown>;
  const insPipeline = insertSql(db, 'pipelines');
  const insVersion = insertSql(db, 'pipeline_versions');
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 2; i < PIPELINES; i++) {
      const name = pipelineName(i);
      const decl = JSON.stringify({ ...JSON.parse(pipelineRow.declaration as string), name });
      insPipeline({ ...pipelineRow, name, declaration: decl });
      insVersion({ ...versionRow, name, declaration: decl });
    }
  })();
  // The timeline: one execution every 30 s, the oldest first; every other one is the hot pipeline's.
  const seqs = new Map<string, number>([[HOT_NAME, 3], [TEN_NAME, 2]]);
  const tenRealId = db.prepare('SELECT id FROM executions WHERE pipeline = ?').pluck().get(TEN_NAME) as string;
  const existing = 3;
  const total = EXECUTIONS - existing;
  const firstAt = (template.execution.created as number) - total * 30_000;
  const sizes: { executions: number; bytes: number }[] = [{ executions: existing, bytes: dbBytes(db) }];
  const checkpoints = [Math.floor(EXECUTIONS / 4), Math.floor(EXECUTIONS / 2), EXECUTIONS].map((n) => n - existing);
  const tenLeft = { n: TEN - 1 };
  let hotLeft = HOT - 2;
  // Even, so that its multiples + 1 are odd: the even slots are the hot pipeline's.
  const tenEvery = 2 * Math.floor(total / (2 * TEN));
  let other = 2;
  let done = 0;
  for (const checkpoint of checkpoints) {
    while (done < checkpoint) {
      db.transaction(() => {
        for (const end = Math.min(checkpoint, done + 5000); done < end; done++) {
          let name: string;
          if (hotLeft > 0 && (done % 2 === 0 || hotLeft >= total - done)) {
            name = HOT_NAME;
            hotLeft--;
          } else if (tenLeft.n > 0 && done % tenEvery === 1) {
            name = TEN_NAME;
            tenLeft.n--;
          } else {
            name = pipelineName(other);
            other = other + 1 >= PIPELINES ? 2 : other + 1;
          }
          const seq = seqs.get(name) ?? 1;
          seqs.set(name, seq + 1);
          copy(name, seq, firstAt + done * 30_000 - (template.execution.created as number));
        }
      })();
    }
    // The real executions stay the newest, in time and in sequence.
    if (checkpoint === total)
      db.transaction(() => {
        const setSeq = db.prepare('UPDATE executions SET seq = ? WHERE id = ?');
        for (const [name, ids] of [[HOT_NAME, [...realIds].reverse()], [TEN_NAME, [tenRealId]]] as const)
          for (const id of ids) {
            const seq = seqs.get(name)!;
            seqs.set(name, seq + 1);
            setSeq.run(seq, id);
          }
      })();
    sizes.push({ executions: done + existing, bytes: dbBytes(db) });
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  const counts = Object.fromEntries(
    ['executions', 'stage_executions', 'action_executions', 'jobs', 'events', 'pipelines'].map((t) => [t, db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()]),
  );
  store.close();
  return { realIds, sizes, seedSeconds, counts };
}

/** What a client sees of an execution, ids and times aside. */
function shape(o: unknown): unknown {
  const ids = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  return JSON.parse(JSON.stringify(o, (k, v) => (v instanceof Date || k.endsWith('Time') || k === 'created' ? 'T' : typeof v === 'string' ? v.replace(new RegExp(ids.source.slice(1, -1), 'g'), 'ID') : v)));
}

async function verify(endpoint: string, realId: string, copyId: string) {
  const sdk = new CodePipelineClient({ endpoint, region: REGION, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' } });
  const read = async (id: string) => {
    const { pipelineExecution, $metadata: _m } = await sdk.send(new GetPipelineExecutionCommand({ pipelineName: HOT_NAME, pipelineExecutionId: id }));
    const actions = await sdk.send(new ListActionExecutionsCommand({ pipelineName: HOT_NAME, filter: { pipelineExecutionId: id } }));
    return shape({ pipelineExecution, actions: actions.actionExecutionDetails });
  };
  const [a, b] = [await read(realId), await read(copyId)];
  sdk.destroy();
  if (!isDeepStrictEqual(a, b)) throw new Error(`a copied execution reads differently from a real one:\nreal ${JSON.stringify(a)}\ncopy ${JSON.stringify(b)}`);
}

interface Timing {
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest?: number;
  items?: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/**
 * Sequential requests of one operation. Each body differs in trailing blanks, so that none is answered
 * from the read cache (kept while nothing is written: an emulator running executions writes all the time).
 */
async function time(call: Call, pid: number, op: string, body: unknown): Promise<Timing> {
  let out: any;
  let n = 0;
  for (let i = 0; i < 20; i++) out = await call(op, body, ++n);
  const lat: number[] = [];
  const cpu0 = cpuSeconds(pid);
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await call(op, body, ++n);
    lat.push(performance.now() - t);
  }
  const cpu1 = cpuSeconds(pid);
  const list = Object.values(out).find(Array.isArray) as unknown[] | undefined;
  return {
    p50Ms: pct(lat, 50),
    p99Ms: pct(lat, 99),
    ...(cpu0 !== undefined && cpu1 !== undefined && { cpuMsPerRequest: ((cpu1 - cpu0) * 1000) / REQUESTS }),
    ...(list && { items: list.length }),
  };
}

/** A nextToken `depth` executions into the pipeline's history, reached by following tokens. */
async function deepToken(call: Call, name: string, depth: number): Promise<string> {
  let token: string | undefined;
  for (let seen = 0; seen < depth; ) {
    const page = await call('ListPipelineExecutions', { pipelineName: name, maxResults: Math.min(100, depth - seen), ...(token && { nextToken: token }) });
    seen += page.pipelineExecutionSummaries.length;
    token = page.nextToken;
    if (!token) throw new Error(`${name} has fewer than ${depth} executions`);
  }
  return token!;
}

export async function runScaleBench() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-scale-bench-'));
  try {
    log(`scale: seeding ${PIPELINES} pipelines, ${EXECUTIONS} executions (${HOT} in ${HOT_NAME}, ${TEN} in ${TEN_NAME})`);
    const seeded = await seed(dataDir);
    log(`  seeded in ${seeded.seedSeconds.toFixed(1)} s: ${JSON.stringify(seeded.counts)}`);
    const startT = performance.now();
    const emu = await startEntry({ args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], timeoutMs: 120_000 });
    const startMs = performance.now() - startT;
    const { call, close } = caller(emu.endpoint);
    const pid = emu.child.pid!;
    try {
      const hotList = (await call('ListPipelineExecutions', { pipelineName: HOT_NAME, maxResults: 3 })).pipelineExecutionSummaries;
      // The copy against the real execution it was copied from (the other real one has its own trigger and revision).
      await verify(emu.endpoint, seeded.realIds[seeded.realIds.length - 1], hotList[2].pipelineExecutionId);
      log('  a copied execution reads back through the SDK exactly as a real one (ids and times aside)');
      const rows: Record<string, { ten: Timing; hot: Timing }> = {};
      const only = process.env.SCALE_ONLY;
      const both = async (label: string, body: (name: string, depth: number) => Promise<[string, unknown]>) => {
        if (only && !label.startsWith(only)) return;
        const r = {} as { ten: Timing; hot: Timing };
        for (const [k, name, n] of [['ten', TEN_NAME, TEN], ['hot', HOT_NAME, HOT]] as const) {
          const [op, input] = await body(name, n);
          r[k] = await time(call, pid, op, input);
        }
        rows[label] = r;
        const f = (t: Timing) => `p50 ${t.p50Ms.toFixed(2)} p99 ${t.p99Ms.toFixed(2)} cpu ${t.cpuMsPerRequest?.toFixed(2) ?? '-'} ms`;
        log(`  ${label.padEnd(44)} 10: ${f(r.ten)} | hot: ${f(r.hot)} | x${(r.hot.p50Ms / r.ten.p50Ms).toFixed(2)}`);
      };
      const oldest = async (name: string, n: number) => {
        const token = await deepToken(call, name, n - 1);
        return (await call('ListPipelineExecutions', { pipelineName: name, nextToken: token })).pipelineExecutionSummaries[0].pipelineExecutionId as string;
      };
      await both('GetPipelineState', async (name) => ['GetPipelineState', { name }]);
      await both('ListPipelineExecutions first page (10)', async (name) => ['ListPipelineExecutions', { pipelineName: name, maxResults: 10 }]);
      await both('ListPipelineExecutions deep page (5, at 90%)', async (name, n) => [
        'ListPipelineExecutions',
        { pipelineName: name, maxResults: 5, nextToken: await deepToken(call, name, Math.floor(n * 0.9) - 5 >= 5 ? Math.floor(n * 0.9) - 5 : 5) },
      ]);
      await both('ListActionExecutions (10)', async (name) => ['ListActionExecutions', { pipelineName: name, maxResults: 10 }]);
      await both('ListActionExecutions next page (10)', async (name) => [
        'ListActionExecutions',
        { pipelineName: name, maxResults: 10, nextToken: (await call('ListActionExecutions', { pipelineName: name, maxResults: 10 })).nextToken },
      ]);
      await both('ListActionExecutions of the oldest execution', async (name, n) => [
        'ListActionExecutions',
        { pipelineName: name, filter: { pipelineExecutionId: await oldest(name, n) } },
      ]);
      await both('GetPipelineExecution latest', async (name) => [
        'GetPipelineExecution',
        { pipelineName: name, pipelineExecutionId: (await call('ListPipelineExecutions', { pipelineName: name, maxResults: 1 })).pipelineExecutionSummaries[0].pipelineExecutionId },
      ]);
      await both('GetPipelineExecution oldest', async (name, n) => ['GetPipelineExecution', { pipelineName: name, pipelineExecutionId: await oldest(name, n) }]);
      // Last, as it adds executions: the engine's own reads (active executions, latest stage runs) over a long history.
      const execLabel = 'Execution start -> Succeeded (3 stages, job worker over HTTP; per execution)';
      if (!only || execLabel.startsWith(only)) {
        const exec = { ten: await timeExecutions(call, pid, TEN_NAME, 20), hot: await timeExecutions(call, pid, HOT_NAME, 20) };
        rows[execLabel] = exec;
        log(`  executions: 10: p50 ${exec.ten.p50Ms.toFixed(1)} ms cpu ${exec.ten.cpuMsPerRequest?.toFixed(1)} ms | hot: p50 ${exec.hot.p50Ms.toFixed(1)} ms cpu ${exec.hot.cpuMsPerRequest?.toFixed(1)} ms`);
      }
      const listPipelines = await time(call, pid, 'ListPipelines', {});
      log(`  ListPipelines (${listPipelines.items}) p50 ${listPipelines.p50Ms.toFixed(2)} p99 ${listPipelines.p99Ms.toFixed(2)} cpu ${listPipelines.cpuMsPerRequest?.toFixed(2)} ms`);
      const last = seeded.sizes[seeded.sizes.length - 1];
      const growth = seeded.sizes.slice(1).map((s, i) => {
        const prev = seeded.sizes[i];
        return { ...s, bytesPerExecutionSincePrevious: Math.round((s.bytes - prev.bytes) / (s.executions - prev.executions)) };
      });
      const result = {
        date: new Date().toISOString(),
        pipelines: PIPELINES,
        executions: EXECUTIONS,
        hot: HOT,
        requestsPerRow: REQUESTS,
        seedSeconds: seeded.seedSeconds,
        startToListeningMs: startMs,
        rows,
        listPipelines,
        database: { sizes: growth, bytesPerExecution: Math.round(last.bytes / last.executions) },
        withinTarget: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.hot.p50Ms <= 1.5 * v.ten.p50Ms])),
      };
      return result;
    } finally {
      close();
      await killEntry(emu);
    }
  } finally {
    if (process.env.SCALE_KEEP) log(`  data folder kept: ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function scaleTable(r: Awaited<ReturnType<typeof runScaleBench>>): string {
  const f = (n: number | undefined, d = 2) => (n === undefined ? '-' : n.toFixed(d));
  return [
    '',
    `Scale: ${r.pipelines} pipelines, ${r.executions} executions in one account (${r.hot} in the hot pipeline), ${r.requestsPerRow} sequential requests per cell; seeded in ${f(r.seedSeconds, 1)} s, start to listening ${f(r.startToListeningMs, 0)} ms.`,
    '',
    '| Operation | 10 executions p50 / p99 ms | CPU ms/req | hot p50 / p99 ms | CPU ms/req | hot / 10 (p50) |',
    '|---|---:|---:|---:|---:|---:|',
    ...Object.entries(r.rows).map(
      ([k, v]) =>
        `| ${k} | ${f(v.ten.p50Ms)} / ${f(v.ten.p99Ms)} | ${f(v.ten.cpuMsPerRequest)} | ${f(v.hot.p50Ms)} / ${f(v.hot.p99Ms)} | ${f(v.hot.cpuMsPerRequest)} | ${f(v.hot.p50Ms / v.ten.p50Ms)} |`,
    ),
    `| ListPipelines (${r.listPipelines.items} of ${r.pipelines}) | | | ${f(r.listPipelines.p50Ms)} / ${f(r.listPipelines.p99Ms)} | ${f(r.listPipelines.cpuMsPerRequest)} | |`,
    '',
    '| Executions | Database bytes | bytes per execution added |',
    '|---:|---:|---:|',
    ...r.database.sizes.map((s) => `| ${s.executions} | ${s.bytes} | ${s.bytesPerExecutionSincePrevious} |`),
    '',
    `Overall ${r.database.bytesPerExecution} bytes per execution. Within 1.5x of 10 executions: ${Object.entries(r.withinTarget)
      .map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`)
      .join('; ')}`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runScaleBench();
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, 'results', 'scale.json'), `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(scaleTable(r));
}
