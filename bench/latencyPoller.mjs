// The engine latency bench's client (bench/engineLatency.ts), on a worker thread of its own: it starts
// an execution and polls GetPipelineExecution back to back until the execution ends, as an outside
// client would, without its requests taking turns with the engine on the emulator's event loop.
// Plain JavaScript so that a worker thread can load it without a TypeScript loader.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { endpoint, account, region } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(endpoint);

function call(op, body) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `CodePipeline_20150709.${op}`,
          authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/codepipeline/aws4_request, SignedHeaders=host, Signature=0`,
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const out = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${op}: ${res.statusCode} ${out}`));
          else resolve(JSON.parse(out || '{}'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

parentPort.on('message', async ({ name, gapMs, timeoutMs }) => {
  try {
    const t0 = performance.now();
    const { pipelineExecutionId: id } = await call('StartPipelineExecution', { name });
    const deadline = Date.now() + timeoutMs;
    for (let polls = 1; ; polls++) {
      const { pipelineExecution } = await call('GetPipelineExecution', { pipelineName: name, pipelineExecutionId: id });
      if (pipelineExecution.status !== 'InProgress') {
        parentPort.postMessage({ id, wallMs: performance.now() - t0, status: pipelineExecution.status, polls });
        return;
      }
      if (Date.now() > deadline) {
        parentPort.postMessage({ id, wallMs: NaN, status: 'Timeout' });
        return;
      }
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    }
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
});
