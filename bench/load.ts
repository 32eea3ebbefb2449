// A closed-loop load generator on node:http: `concurrency` workers, each sending its next request
// as soon as the previous answer is read, over keep-alive sockets, for a bounded time and count.
import http from 'node:http';

export interface LoadOptions {
  url: string;
  /** Headers of the i-th request. */
  headers: (i: number) => Record<string, string>;
  /** Body of the i-th request (so CreatePipeline can use unique names). */
  body: (i: number) => string;
  concurrency: number;
  durationMs: number;
  /** Hard cap on requests, whatever the duration. */
  maxRequests: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanResponseBytes: number;
}

interface Answer {
  status: number;
  bytes: number;
}

export function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<Answer & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, bytes: buf.length, text: buf.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const url = new URL(o.url);
  const latencies = new Float64Array(o.maxRequests);
  let issued = 0;
  let done = 0;
  let errors = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(o.durationMs) * 1_000_000n;

  async function worker() {
    while (issued < o.maxRequests && process.hrtime.bigint() < deadline) {
      const i = issued++;
      const t0 = process.hrtime.bigint();
      try {
        const a = await post(agent, url, o.headers(i), o.body(i));
        if (a.status !== 200) errors++;
        bytes += a.bytes;
      } catch {
        errors++;
      }
      latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  const sorted = latencies.slice(0, done).sort();
  return {
    requests: done,
    errors,
    seconds,
    rps: done / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanResponseBytes: done ? bytes / done : 0,
  };
}
