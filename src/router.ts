// The one dispatcher of the shared port: which service a request is for, decided from what the request
// itself says, as a declared chain of steps. The guard (protocol/requestGuard.ts) runs first; its
// refusals are answered in the shape of the step that would have served the request. Then the first
// step that claims the request serves it:
//
//   1. the emulator's own routes    /_health, /_events*, /_logs/*, /_local/*, /_console/..., /webhooks/*  -> the Hono app (server.ts)
//   1b. a browser opening the root     GET / asking for HTML, unsigned, no query  -> 302 /_console/ (the web console)
//   2. JSON 1.1 services            POST / with X-Amz-Target, by its prefix (SERVICES)
//   3. query-protocol services      POST / form `Action=...&Version=...` (or GET /?Action=...), by Version, else the scope's service
//   4. S3                           its path shapes and a scope naming `s3` (services/s3/routing.ts)
//   5. the default JSON service     any other POST /: CodePipeline's errors (UnknownOperationException)
//
// Adding a service: a folder under src/services/ exporting its definition, and one line in SERVICES.
// Every service but CodePipeline is loaded on its first request (its model, validator and handlers are most
// of what a start would otherwise load): SERVICES holds what routing needs, the rest is import()ed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyRing } from './protocol/credentials.js';
import type { JsonService } from './protocol/json11.js';
import { readApiBody, refuseApiRequest, refuseQueryRequest, serveJson, serveQuery } from './protocol/nodeApi.js';
import { isFormBody, queryParams, type QueryService } from './protocol/query.js';
import { guardRequest, type GuardPolicy } from './protocol/requestGuard.js';
import { scopeOfRequest, type CredentialScope } from './protocol/sigv4.js';
import type { ServiceDeps } from './appDeps.js';
import { codePipeline } from './services/codepipeline/index.js';
import { claimsS3 } from './services/s3/routing.js';
import type { S3Deps } from './services/s3/handler.js';

/** What every service receives: the shared dependencies and the emulator's public URL. */
export type { ServiceDeps };

type Service = JsonService<ServiceDeps> | QueryService<ServiceDeps>;

/**
 * A service as routing sees it: its wire names (its model's metadata: router.test.ts checks they are the
 * loaded service's) and how to load the rest.
 */
export type ServiceRoute = { name: string; signingName: string; load: (deps: ServiceDeps) => Promise<Service> } & (
  | { protocol: 'json'; targetPrefix: string }
  | { protocol: 'query'; apiVersion: string }
);

/** Every API service on the port. An operation a service does not implement answers 501 in its own protocol. */
export const SERVICES: readonly ServiceRoute[] = [
  { ...codePipeline, load: async () => codePipeline },
  { name: 'CodeBuild', signingName: 'codebuild', protocol: 'json', targetPrefix: 'CodeBuild_20161006', load: async () => (await import('./services/codebuild/index.js')).codeBuild },
  { name: 'SecretsManager', signingName: 'secretsmanager', protocol: 'json', targetPrefix: 'secretsmanager', load: async () => (await import('./services/secretsmanager/index.js')).secretsManager },
  { name: 'SSM', signingName: 'ssm', protocol: 'json', targetPrefix: 'AmazonSSM', load: async () => (await import('./services/ssm/index.js')).ssm },
  { name: 'STS', signingName: 'sts', protocol: 'query', apiVersion: '2011-06-15', load: async () => (await import('./services/sts/index.js')).sts },
  // With the resource types' modules: a stack operation then never waits for one (see ProvisionerRegistry.ready).
  {
    name: 'CloudFormation',
    signingName: 'cloudformation',
    protocol: 'query',
    apiVersion: '2010-05-15',
    load: async (deps) => (await Promise.all([import('./services/cloudformation/index.js'), deps.provisioners.ready()]))[0].cloudFormation,
  },
];

/** The service answering POST / that names no other: its errors are what an unknown request hears. */
const DEFAULT_SERVICE = codePipeline;

/** Loaded services, by route: once loaded, a request is served without waiting. */
const loaded = new Map<ServiceRoute, Service>();

/** S3's request handler (its operations), loaded on the first S3 request. */
let s3Module: Promise<typeof import('./services/s3/handler.js')> | undefined;
const s3Handler = () => (s3Module ??= import('./services/s3/handler.js'));

/** Calls `use` with the route's service, loading it first if this is its first request. */
function withService<S extends Service>(route: ServiceRoute, res: ServerResponse, deps: ServiceDeps, use: (s: S) => void) {
  const s = loaded.get(route);
  if (s) return use(s as S);
  route.load(deps).then(
    (service) => {
      loaded.set(route, service);
      use(service as S);
    },
    (e) => {
      deps.log.error(`loading the ${route.name} service failed`, e);
      res.destroy();
    },
  );
}

/** What the chain looks at: the request line, the headers it needs, the credential scope (read once, on first use). */
export class Head {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly target: string | undefined;
  #scope: CredentialScope | undefined | null = null;

  constructor(readonly req: IncomingMessage) {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    this.method = req.method ?? 'GET';
    this.path = qi >= 0 ? url.slice(0, qi) : url;
    this.rawQuery = qi >= 0 ? url.slice(qi + 1) : '';
    const target = req.headers['x-amz-target'];
    this.target = typeof target === 'string' ? target : undefined;
  }

  /** The credential scope (Authorization header or presigned query): /_health and the like never parse it. */
  get scope(): CredentialScope | undefined {
    if (this.#scope === null) {
      const auth = this.req.headers.authorization;
      this.#scope = scopeOfRequest(typeof auth === 'string' ? auth : undefined, this.rawQuery);
    }
    return this.#scope;
  }
}

export interface Step {
  name: string;
  claims(h: Head): boolean;
  /** The guard's refusal, in this step's error shape. */
  refuse(h: Head, res: ServerResponse, message: string): void;
  serve(h: Head, res: ServerResponse): void;
}

export interface RouterDeps {
  services: ServiceDeps;
  s3: S3Deps;
  /** The emulator's own routes (the Hono app). */
  routes: (req: IncomingMessage, res: ServerResponse) => unknown;
  /** The guard's policy, read per request (the emulator's own URLs are known once it listens). */
  guard: () => GuardPolicy;
}

const jsonByPrefix = new Map<string, ServiceRoute>();
const queryByVersion = new Map<string, ServiceRoute>();
const bySigningName = new Map<string, ServiceRoute>();
for (const s of SERVICES) {
  if (s.protocol === 'json') jsonByPrefix.set(s.targetPrefix, s);
  else queryByVersion.set(s.apiVersion, s);
  bySigningName.set(s.signingName, s);
}

const firstSegment = (path: string) => {
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
};
const isRoot = (h: Head) => h.path === '/';
const queryService = (s: ServiceRoute | undefined) => (s?.protocol === 'query' ? s : undefined);

export const headOf = (req: IncomingMessage) => new Head(req);

/** The JSON 1.1 step's service for a target: by its prefix (what precedes the first dot). */
const jsonRouteOf = (target: string) => {
  const dot = target.indexOf('.');
  return jsonByPrefix.get(dot < 0 ? target : target.slice(0, dot));
};

/** The credential scope of a request to the root without a query (the fast path's: no Head is built). */
const scopeOfRootRequest = (req: IncomingMessage) => {
  const auth = req.headers.authorization;
  return scopeOfRequest(typeof auth === 'string' ? auth : undefined, '');
};

/** Serves a JSON 1.1 request for `route` (none: the default service), once its body is read; `h`: the chain's view of it, if built. */
function serveJsonRoute(d: RouterDeps, route: ServiceRoute | undefined, req: IncomingMessage, res: ServerResponse, h: Head | undefined) {
  readApiBody(req, res, 'json', (body) => {
    const service = route ? loaded.get(route) : DEFAULT_SERVICE;
    const scope = h ? h.scope : scopeOfRootRequest(req);
    if (service) serveJson(service as JsonService<ServiceDeps>, d.services, req, res, scope, body);
    else withService<JsonService<ServiceDeps>>(route!, res, d.services, (s) => serveJson(s, d.services, req, res, scope, body));
  });
}

/** The declared chain (see the top of this file). */
export function routeChain(d: RouterDeps): Step[] {
  const json = (route: ServiceRoute | undefined) => (h: Head, res: ServerResponse) => serveJsonRoute(d, route, h.req, res, h);
  const refuseJson = (_h: Head, res: ServerResponse, message: string) => refuseApiRequest(res, message);
  return [
    {
      name: 'emulator routes',
      claims: (h) => {
        const first = firstSegment(h.path);
        // A bucket named `webhooks` stays reachable by requests signed for S3.
        return first === 'webhooks' ? h.scope?.service !== 's3' : first.startsWith('_') || first.startsWith('%5F') || first.startsWith('%5f');
      },
      refuse: (_h, res, message) => refuseApiRequest(res, message, 'application/json'),
      serve: (h, res) => void d.routes(h.req, res),
    },
    {
      // S3's ListBuckets (GET /) is signed and asks for XML: only a browser's page load is sent on.
      name: 'a browser at the root: the web console',
      claims: (h) => h.method === 'GET' && isRoot(h) && h.rawQuery === '' && !h.req.headers.authorization && /\btext\/html\b/.test(h.req.headers.accept ?? ''),
      refuse: (_h, res, message) => refuseApiRequest(res, message, 'application/json'),
      serve: (_h, res) => {
        res.writeHead(302, { location: '/_console/', 'content-length': 0 });
        res.end();
      },
    },
    {
      name: 'JSON 1.1 services by X-Amz-Target',
      claims: (h) => h.method === 'POST' && isRoot(h) && h.target !== undefined,
      refuse: refuseJson,
      serve: (h, res) => json(jsonRouteOf(h.target!))(h, res),
    },
    {
      name: 'query-protocol services by Action and Version',
      claims: (h) => {
        if (!isRoot(h) || h.target !== undefined || h.scope?.service === 's3') return false;
        if (h.method === 'POST') return isFormBody(h.req.headers['content-type']);
        if (h.method !== 'GET' || !h.rawQuery.includes('Action=')) return false;
        const params = new URLSearchParams(h.rawQuery);
        return queryByVersion.has(params.get('Version') ?? '') || queryService(bySigningName.get(h.scope?.service ?? '')) !== undefined;
      },
      refuse: (_h, res, message) => refuseQueryRequest(res, message),
      serve: (h, res) =>
        readApiBody(h.req, res, 'query', (body) => {
          const params = queryParams(h.rawQuery, body.toString('utf8'));
          const service = queryByVersion.get(params.get('Version') ?? '') ?? queryService(bySigningName.get(h.scope?.service ?? ''));
          // A form naming no service we know is answered as any other unknown POST / (as before).
          if (service) withService<QueryService<ServiceDeps>>(service, res, d.services, (s) => serveQuery(s, d.services, h.req, res, h.scope, params, body));
          else serveJson(DEFAULT_SERVICE, d.services, h.req, res, h.scope, body);
        }),
    },
    {
      name: 'S3',
      // CORS preflights (unsigned by nature) are the guard's: never an S3 request.
      claims: (h) => h.method !== 'OPTIONS' && claimsS3(h.method, h.path, h.scope?.service),
      refuse: (h, res, message) => void s3Handler().then((m) => m.refuseS3Request(h.req, res, message)),
      serve: (h, res) => void s3Handler().then((m) => m.handleS3Request(d.s3, h.req, res)),
    },
    {
      name: `the default: POST / to ${DEFAULT_SERVICE.name}, anything else to the emulator's routes (their 404)`,
      claims: () => true,
      refuse: (h, res, message) => refuseApiRequest(res, message, h.method === 'POST' ? undefined : 'application/json'),
      serve: (h, res) => (h.method === 'POST' ? json(undefined)(h, res) : void d.routes(h.req, res)),
    },
  ];
}

/** The guard's refusal of a JSON 1.1 request (the JSON step's). */
const refuseJsonRequest = (message: string, res: ServerResponse) => refuseApiRequest(res, message);

/**
 * The request listener of the shared port. The hottest shape, POST / naming an X-Amz-Target (every API
 * call of a JSON service), goes straight to the chain's JSON step, which is the step that claims it:
 * no earlier step claims a POST to the root. It passes the same guard and is served the same way;
 * only the chain's walk and its view of the request are skipped (conformance/readFastPath.test.ts checks the chain
 * agrees).
 */
export function createRouter(d: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const chain = routeChain(d);
  return (req, res) => {
    const target = req.headers['x-amz-target'];
    if (req.url === '/' && req.method === 'POST' && typeof target === 'string') {
      if (!guardRequest(d.guard(), req, res, refuseJsonRequest)) return;
      serveJsonRoute(d, jsonRouteOf(target), req, res, undefined);
      return;
    }
    const h = new Head(req);
    const step = chain.find((s) => s.claims(h))!;
    if (!guardRequest(d.guard(), req, res, (message) => step.refuse(h, res, message))) return;
    step.serve(h, res);
  };
}
