// `npx tsx bench/dispatch.ts`: the CPU cost of one API request through the emulator's request listener
// (routing, body read, JSON 1.1 dispatch, GetPipeline, answer), in process over loopback with a
// keep-alive agent. CPU time of the whole process (server and client) per request, from
// process.cpuUsage: less sensitive to other work on a shared machine than wall-clock throughput.
// Knobs (env): DISPATCH_REQUESTS (20000), DISPATCH_ROUNDS (5).
import http from 'node:http';
import { start } from '../src/index.js';

const N = Number(process.env.DISPATCH_REQUESTS ?? 20000);
const ROUNDS = Number(process.env.DISPATCH_ROUNDS ?? 5);
const HEADERS = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `CodePipeline_20150709.${op}`,
  authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0',
});

const emu = await start({ port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent' });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(emu.endpoint);

function post(op: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: HEADERS(op) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pipeline = {
  name: 'bench',
  roleArn: 'arn:aws:iam::123456789012:role/bench',
  artifactStore: { type: 'S3', location: 'bench-artifacts' },
  stages: [
    { name: 'Source', actions: [{ name: 'Src', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'b', S3ObjectKey: 'k.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'Out' }] }] },
    { name: 'Approve', actions: [{ name: 'Gate', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
  ],
};
const created = await post('CreatePipeline', JSON.stringify({ pipeline }));
if (created !== 200) throw new Error(`CreatePipeline answered ${created}`);
const body = JSON.stringify({ name: 'bench' });
for (let i = 0; i < 2000; i++) await post('GetPipeline', body); // warm-up (JIT)

const perRequest: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const status = await post('GetPipeline', body);
    if (status !== 200) throw new Error(`GetPipeline answered ${status}`);
  }
  const used = process.cpuUsage(before);
  perRequest.push((used.user + used.system) / N);
}
agent.destroy();
await emu.stop();
const sorted = [...perRequest].sort((a, b) => a - b);
console.log(JSON.stringify({ requests: N, rounds: ROUNDS, cpuMicrosPerRequest: perRequest.map((x) => Math.round(x * 10) / 10), median: Math.round(sorted[Math.floor(ROUNDS / 2)] * 10) / 10 }));
