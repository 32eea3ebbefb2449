// `npx tsx bench/readPath.ts`: the JavaScript a cached read costs, without sockets or the kernel. The
// emulator's request listener (src/router.ts) and a bare node:http handler (bench/bare-server.mjs's:
// read the body, answer a fixed one) are driven in one process with in-memory sockets, rounds of each
// interleaved, so that what other processes do to this machine's CPU hits both alike; it prints the
// CPU per request of each (median of the rounds) and their ratio. Under wrk the socket write and Node's
// HTTP parsing come on top of both, in equal measure. Knobs: BENCH_READ_OPS (GetPipeline,PollForJobs),
// BENCH_READ_ROUNDS (20), BENCH_READ_REQUESTS (5000 per round).
import fs from 'node:fs';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { Duplex } from 'node:stream';

const ROOT = path.resolve(import.meta.dirname, '..');
const OPS = (process.env.BENCH_READ_OPS ?? 'GetPipeline,PollForJobs').split(',');
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 20);
const N = Number(process.env.BENCH_READ_REQUESTS ?? 5000);
const TARGET = 'CodePipeline_20150709.';
const AUTH = 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0';
const BODIES: Record<string, string> = {
  GetPipeline: '{"name":"bench-0001"}',
  PollForJobs: '{"actionTypeId":{"category":"Build","owner":"Custom","provider":"BenchIdle","version":"1"},"maxBatchSize":1}',
};

// The emulator's listener, as start() hands it to node:http.
type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let captured: Listener | undefined;
const createServer = http.createServer;
(http as { createServer: unknown }).createServer = (...args: unknown[]) => {
  captured = args.find((a) => typeof a === 'function') as Listener;
  return (createServer as (...a: unknown[]) => http.Server)(...args);
};
syncBuiltinESMExports();
const { start } = await import('../src/index.js');
const emu = await start({ port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent' });
const emulator = captured!;
(http as { createServer: unknown }).createServer = createServer;
syncBuiltinESMExports();

const call = (op: string, body: string) =>
  fetch(`${emu.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + op, authorization: AUTH }, body });
const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures', 'pipelines', 's3-build-approve-deploy.json'), 'utf8')).pipeline;
await call('CreatePipeline', JSON.stringify({ pipeline: { ...fixture, name: 'bench-0001' } }));
await call('CreateCustomActionType', JSON.stringify({ category: 'Build', provider: 'BenchIdle', version: '1', inputArtifactDetails: { minimumCount: 0, maximumCount: 1 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 1 } }));
// The execution CreatePipeline started settles first: reads are then answered from the cache.
const changes = emu.store.db.prepare('SELECT total_changes()').pluck();
for (let last = -1; ; ) {
  const n = changes.get() as number;
  if (n === last) break;
  last = n;
  await new Promise((r) => setTimeout(r, 1000));
}

class MemorySocket extends Duplex {
  written = 0;
  constructor() {
    super({ decodeStrings: false });
  }
  _read() {}
  _write(chunk: Buffer | string, _enc: string, cb: () => void) {
    this.written += chunk.length;
    cb();
  }
  _writev(chunks: { chunk: Buffer | string }[], cb: () => void) {
    for (const c of chunks) this.written += c.chunk.length;
    cb();
  }
}

/** One request through `listener`: resolves with the bytes answered once the response has finished. */
function request(listener: Listener, rawHeaders: string[], body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = new MemorySocket();
    const req = new http.IncomingMessage(socket as never) as http.IncomingMessage & { _addHeaderLines(h: string[], n: number): void; complete: boolean };
    req.method = 'POST';
    req.url = '/';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req._addHeaderLines(rawHeaders, rawHeaders.length);
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = true;
    res.assignSocket(socket as never);
    res.on('finish', () => {
      res.detachSocket(socket as never);
      resolve(socket.written);
    });
    listener(req, res);
    req.push(body);
    req.push(null);
    req.complete = true;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const op of OPS) {
  const body = Buffer.from(BODIES[op] ?? '{}');
  const rawHeaders = ['Host', '127.0.0.1', 'Content-Type', 'application/x-amz-json-1.1', 'X-Amz-Target', TARGET + op, 'Authorization', AUTH, 'Content-Length', String(body.length)];
  // The bare handler answers what the emulator answers, as the wrk bench's bare server does.
  const answer = Buffer.from(await (await call(op, body.toString())).text());
  const bare: Listener = (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': answer.length });
      res.end(answer);
    });
  };
  const runs = { emulator: [] as number[], bare: [] as number[] };
  let bytes = 0;
  for (let round = -2; round < ROUNDS; round++) {
    for (const which of round % 2 ? (['bare', 'emulator'] as const) : (['emulator', 'bare'] as const)) {
      const listener = which === 'bare' ? bare : emulator;
      const t0 = process.cpuUsage();
      for (let i = 0; i < N; i++) bytes = await request(listener, rawHeaders, body);
      const t = process.cpuUsage(t0);
      if (round >= 0) runs[which].push((t.user + t.system) / N);
    }
  }
  const e = median(runs.emulator);
  const b = median(runs.bare);
  console.log(`${op.padEnd(12)} emulator ${e.toFixed(2)} us/request, bare handler ${b.toFixed(2)} us/request: bare/emulator ${(b / e).toFixed(2)} (${ROUNDS} rounds of ${N}; ${bytes} bytes answered)`);
}
await emu.stop();
