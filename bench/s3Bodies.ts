// S3 bodies benchmark: PutObject then GetObject of bodies of a few sizes, one request at a time,
// through the endpoint of the real CLI entry (a child process with a data folder, so bodies take the
// path they take for a user). For each size: wall time per request (median, p90) seen by the client,
// and the server's CPU time per request (from /proc, so the client's own work is not counted).
// Knobs: BENCH_S3_SIZES (bytes, comma separated; default 1024,16384,65536,131072,262144),
// BENCH_S3_OPS (requests of each kind per size, default 300), BENCH_S3_SECONDS (bound per phase, 20).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startEntry } from '../conformance/scripts/entry.js';
import { cpuSeconds } from './wrk.js';

const SIZES = (process.env.BENCH_S3_SIZES ?? '1024,16384,65536,131072,262144').split(',').map(Number);
const OPS = Number(process.env.BENCH_S3_OPS ?? 300);
const SECONDS = Number(process.env.BENCH_S3_SECONDS ?? 20);
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';

export interface S3BodyRow {
  size: number;
  op: 'PutObject' | 'GetObject';
  runs: number;
  medianMs: number;
  p90Ms: number;
  serverCpuMs?: number;
}

function request(agent: http.Agent, url: URL, method: string, pathName: string, body?: Buffer): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path: pathName,
        headers: { authorization: AUTH, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': '20260101T000000Z', ...(body && { 'content-length': body.length }) },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;

export async function runS3BodiesBench(): Promise<S3BodyRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-s3-bench-'));
  const entry = await startEntry({ args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'] });
  const pid = entry.child.pid!;
  const url = new URL(entry.endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const rows: S3BodyRow[] = [];
  try {
    const made = await request(agent, url, 'PUT', '/bench-bodies');
    if (made.status !== 200) throw new Error(`CreateBucket: ${made.status}`);
    for (const size of SIZES) {
      const body = Buffer.alloc(size, 7);
      for (const op of ['PutObject', 'GetObject'] as const) {
        const times: number[] = [];
        const deadline = Date.now() + SECONDS * 1000;
        // A few requests first, not measured (code paths warmed up, connection open).
        for (let i = -5; i < OPS && Date.now() < deadline; i++) {
          const key = `/bench-bodies/${size}/${Math.max(i, 0) % 100}`;
          if (i === 0) var cpu0 = cpuSeconds(pid);
          const t0 = performance.now();
          const r = op === 'PutObject' ? await request(agent, url, 'PUT', key, body) : await request(agent, url, 'GET', key);
          if (i >= 0) times.push(performance.now() - t0);
          if (r.status !== 200 || (op === 'GetObject' && r.bytes !== size)) throw new Error(`${op} ${key}: ${r.status} (${r.bytes} bytes)`);
        }
        const cpu1 = cpuSeconds(pid);
        times.sort((a, b) => a - b);
        rows.push({
          size,
          op,
          runs: times.length,
          medianMs: pct(times, 0.5),
          p90Ms: pct(times, 0.9),
          ...(cpu0! !== undefined && cpu1 !== undefined && { serverCpuMs: ((cpu1 - cpu0!) * 1000) / times.length }),
        });
      }
    }
    return rows;
  } finally {
    agent.destroy();
    entry.child.kill('SIGTERM');
    await entry.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function s3BodiesTable(rows: S3BodyRow[]): string {
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(2));
  return [
    '',
    '| S3 body size | operation | runs | median ms | p90 ms | server CPU ms per request |',
    '|---:|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.size} | ${r.op} | ${r.runs} | ${f(r.medianMs)} | ${f(r.p90Ms)} | ${f(r.serverCpuMs)} |`),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(s3BodiesTable(await runS3BodiesBench()));
