// `npx tsx bench/routeDecision.ts`: the cost of deciding which service a request is for (no I/O), for
// the request shapes the port sees: a CodePipeline call, an S3 GET, an emulator route. Runs on the
// router's chain (src/router.ts) when present, else on the if-chain it replaced (isApiRequest/isS3Request),
// so old and new code can be compared in one sitting. Knob: DECISIONS (1000000).
import type { IncomingMessage } from 'node:http';

const N = Number(process.env.DECISIONS ?? 1_000_000);
const AUTH = (service: string) => `AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`;
const requests = {
  'POST / (CodePipeline GetPipeline)': { method: 'POST', url: '/', headers: { 'x-amz-target': 'CodePipeline_20150709.GetPipeline', authorization: AUTH('codepipeline'), 'content-type': 'application/x-amz-json-1.1' } },
  'GET /bucket/key (S3)': { method: 'GET', url: '/bucket/some/key.zip', headers: { authorization: AUTH('s3') } },
  'GET /_health': { method: 'GET', url: '/_health', headers: {} },
} as Record<string, Partial<IncomingMessage>>;

type Decide = (req: IncomingMessage) => string;
let decide: Decide;
let code: string;
try {
  const router = await import('../src/router.js' as string);
  const noop = () => {};
  const chain = router.routeChain({ services: {}, s3: {}, routes: noop, guard: () => ({}) });
  decide = (req) => chain.find((s: { claims(h: unknown): boolean }) => s.claims(router.headOf(req))).name;
  code = 'router chain';
} catch {
  // Only older checkouts have these (the if-chain the router replaced): imported by untyped paths.
  const { isApiRequest } = await import('../src/protocol/nodeApi.js' as string);
  const { isS3Request } = await import('../src/services/s3/index.js' as string);
  decide = (req) => {
    const api = isApiRequest(req) && (req.headers['x-amz-target'] !== undefined || !isS3Request(req));
    return api ? 'api' : !api && isS3Request(req) ? 's3' : 'hono';
  };
  code = 'if-chain';
}

const out: Record<string, number> = {};
for (const [name, req] of Object.entries(requests)) {
  const r = req as IncomingMessage;
  for (let i = 0; i < 100_000; i++) decide(r);
  const before = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += decide(r).length;
  const used = process.cpuUsage(before);
  out[name] = Math.round(((used.user + used.system) * 1000) / N) ;
  if (sink === 0) console.log('');
}
console.log(JSON.stringify({ code, nanosPerDecision: out }));
