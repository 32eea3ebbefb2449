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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyRing } from './protocol/credentials.js';
import type { JsonService } from './protocol/json11.js';
import { readApiBody, refuseApiRequest, refuseQueryRequest, serveJson, serveQuery } from './protocol/nodeApi.js';
import { isFormBody, queryParams, type QueryService } from './protocol/query.js';
import { guardRequest, type GuardPolicy } from './protocol/requestGuard.js';
import { scopeOfRequest, type CredentialScope } from './protocol/sigv4.js';
import type { ServiceDeps } from './appDeps.js';
import { codePipeline } from './services/codepipeline/index.js';
import { cloudFormation } from './services/cloudformation/index.js';
import { sts } from './services/sts/index.js';
import { ssm } from './services/ssm/index.js';
import { codeBuild } from './services/codebuild/index.js';
import { secretsManager } from './services/secretsmanager/index.js';
import { claimsS3, handleS3Request, refuseS3Request, type S3Deps } from './services/s3/index.js';

/** What every service receives: the shared dependencies and the emulator's public URL. */
export type { ServiceDeps };

type Service = JsonService<ServiceDeps> | QueryService<ServiceDeps>;

/** Every API service on the port. An operation a service does not implement answers 501 in its own protocol. */
export const SERVICES: readonly Service[] = [
  codePipeline,
  codeBuild,
  secretsManager,
  ssm,
  sts,
  cloudFormation,
];

/** The service answering POST / that names no other: its errors are what an unknown request hears. */
const DEFAULT_SERVICE = codePipeline;

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

const jsonByPrefix = new Map<string, JsonService<ServiceDeps>>();
const queryByVersion = new Map<string, QueryService>();
const bySigningName = new Map<string, Service>();
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
const queryService = (s: Service | undefined) => (s?.protocol === 'query' ? s : undefined);

export const headOf = (req: IncomingMessage) => new Head(req);

/** The declared chain (see the top of this file). */
export function routeChain(d: RouterDeps): Step[] {
  const json = (service: JsonService<ServiceDeps>) => (h: Head, res: ServerResponse) =>
    readApiBody(h.req, res, 'json', (body) => serveJson(service, d.services, h.req, res, h.scope, body));
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
      serve: (h, res) => json(jsonByPrefix.get(h.target!.split('.')[0]) ?? DEFAULT_SERVICE)(h, res),
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
          if (service) serveQuery(service, d.services, h.req, res, h.scope, params, body);
          else serveJson(DEFAULT_SERVICE, d.services, h.req, res, h.scope, body);
        }),
    },
    {
      name: 'S3',
      // CORS preflights (unsigned by nature) are the guard's: never an S3 request.
      claims: (h) => h.method !== 'OPTIONS' && claimsS3(h.method, h.path, h.scope?.service),
      refuse: (h, res, message) => refuseS3Request(h.req, res, message),
      serve: (h, res) => handleS3Request(d.s3, h.req, res),
    },
    {
      name: `the default: POST / to ${DEFAULT_SERVICE.name}, anything else to the emulator's routes (their 404)`,
      claims: () => true,
      refuse: (h, res, message) => refuseApiRequest(res, message, h.method === 'POST' ? undefined : 'application/json'),
      serve: (h, res) => (h.method === 'POST' ? json(DEFAULT_SERVICE)(h, res) : void d.routes(h.req, res)),
    },
  ];
}

/** The request listener of the shared port. */
export function createRouter(d: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const chain = routeChain(d);
  return (req, res) => {
    const h = new Head(req);
    const step = chain.find((s) => s.claims(h))!;
    if (!guardRequest(d.guard(), req, res, (message) => step.refuse(h, res, message))) return;
    step.serve(h, res);
  };
}
