// Who may talk to the emulator at all: the first step in front of all routing. Whatever its API is told
// runs on this machine (buildspecs, Commands, Lambda handlers), so two kinds of caller are turned away
// before any route sees the request:
//   - a web page on another site: a request carrying an `Origin` that is not local, not the emulator's
//     own and not listed with --cors-origins is refused (403), preflight or not. Clients that send no
//     Origin (the AWS CLI, SDKs, webhooks from GitHub) are not browsers and are unaffected.
//   - DNS rebinding: a `Host` that is not a loopback name or address, the listen address, a name of the
//     public URL or a name listed with --allowed-hosts is refused (403), so a page whose own name was
//     re-pointed at 127.0.0.1 cannot reach it.
// Allowed browser origins get their own origin echoed in Access-Control-Allow-Origin (never `*` unless
// --cors-origins '*'): the CORS headers of every answer come from this one decision.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from './cors.js';

export interface GuardPolicy {
  /** Browser origins allowed besides the local ones (--cors-origins); '*' allows every origin. */
  corsOrigins: readonly string[];
  /** Host names allowed besides loopback ones (--allowed-hosts); '*' allows any, `*.example.com` its subdomains. */
  allowedHosts: readonly string[];
  /** The address the server listens on: its own Host is allowed; a wildcard address (0.0.0.0, ::) allows any IP literal. */
  listenHost: string;
  /** The emulator's own URLs (the endpoint it listens on, its public URL): their origins and host names are allowed. */
  ownUrls: readonly string[];
}

export type Decision =
  /** Let it through, with these CORS headers on whatever the route answers. */
  | { kind: 'pass'; cors: Record<string, string> }
  /** A preflight from an allowed origin (or any OPTIONS): answered here, 204. */
  | { kind: 'preflight'; cors: Record<string, string> }
  /** Refused, 403, with the reason. */
  | { kind: 'refuse'; message: string };

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]', '']);

/** A host name as compared here: lower case, without IPv6 brackets or the trailing dot of a fully qualified name. */
const normalName = (name: string) => name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/** The host name of a Host header ("localhost:4596" -> "localhost"), or undefined when it is not one. */
export function hostNameOf(hostHeader: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return undefined;
  }
  // "localhost@evil.example", "localhost/x", "a?b": not a host, whatever URL makes of them.
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || hostHeader.includes('\\')) return undefined;
  return normalName(url.hostname);
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z). */
export function isLoopbackName(name: string): boolean {
  const n = normalName(name);
  if (n === 'localhost' || n.endsWith('.localhost')) return true;
  const family = isIP(n);
  return family !== 0 && LOOPBACK.check(n, family === 4 ? 'ipv4' : 'ipv6');
}

/** A page on this machine: http(s) on localhost, *.localhost, a 127.x address or [::1], any port. `null` is not local. */
export function isLocalOrigin(origin: string): boolean {
  const url = parseOrigin(origin);
  return url !== undefined && isLoopbackName(url.hostname);
}

function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const matchesName = (pattern: string, name: string) => {
  const p = normalName(hostNameOf(pattern) ?? pattern);
  return p.startsWith('*.') ? name.endsWith(p.slice(1)) : p === name;
};

/** Host headers already decided, per policy: a client sends the same one on every request (bounded: any peer can send any). */
const hostDecisions = new WeakMap<GuardPolicy, Map<string, boolean>>();
const MAX_HOST_DECISIONS = 256;

/** Whether a request addressed to `hostHeader` may be served (see GuardPolicy). No Host (HTTP/1.0) is not a browser: allowed. */
export function isAllowedHost(hostHeader: string | undefined, policy: GuardPolicy): boolean {
  if (hostHeader === undefined || policy.allowedHosts.includes('*')) return true;
  let decided = hostDecisions.get(policy);
  if (!decided) hostDecisions.set(policy, (decided = new Map()));
  let allowed = decided.get(hostHeader);
  if (allowed === undefined) {
    allowed = decideHost(hostHeader, policy);
    if (decided.size >= MAX_HOST_DECISIONS) decided.clear();
    decided.set(hostHeader, allowed);
  }
  return allowed;
}

function decideHost(hostHeader: string, policy: GuardPolicy): boolean {
  const name = hostNameOf(hostHeader);
  if (name === undefined) return false;
  if (isLoopbackName(name)) return true;
  const listen = normalName(policy.listenHost);
  // An IP literal cannot be re-pointed by DNS: on a wildcard address any of them (LAN, Docker port mapping) is fine.
  if (name === listen || (WILDCARD_ADDRESSES.has(listen) && isIP(name) !== 0)) return true;
  if (policy.ownUrls.some((u) => normalName(new URL(u).hostname) === name)) return true;
  return policy.allowedHosts.some((h) => matchesName(h, name));
}

/** Whether a page of `origin` may call the emulator reached as `hostHeader` (already an allowed Host). */
export function isAllowedOrigin(origin: string, hostHeader: string | undefined, policy: GuardPolicy): boolean {
  if (policy.corsOrigins.includes('*') || isLocalOrigin(origin)) return true;
  const url = parseOrigin(origin);
  if (!url) return false;
  if (policy.corsOrigins.some((o) => parseOrigin(o)?.origin === url.origin)) return true;
  if (policy.ownUrls.some((u) => new URL(u).origin === url.origin)) return true;
  // The emulator's own pages, as reached: same host and port as the request (the Host passed the check above).
  return hostHeader !== undefined && url.host === new URL(`http://${hostHeader}`).host;
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

/** The decision for one request: pure, from its method, Host and Origin. */
export function decide(policy: GuardPolicy, req: { method?: string; host?: string; origin?: string }): Decision {
  const { host, origin } = req;
  if (!isAllowedHost(host, policy))
    return {
      kind: 'refuse',
      message: `Host '${clip(host ?? '')}' is not allowed: codepipeline-local answers requests addressed to a loopback name or address, its listen address, or a name given with --allowed-hosts (this stops DNS rebinding)`,
    };
  if (origin !== undefined && !isAllowedOrigin(origin, host, policy))
    return {
      kind: 'refuse',
      message: `Origin '${clip(origin)}' is not allowed: codepipeline-local serves web pages only from local origins (localhost, 127.0.0.1, [::1], *.localhost) and those given with --cors-origins`,
    };
  const wildcard = policy.corsOrigins.includes('*');
  const cors: Record<string, string> =
    wildcard || origin !== undefined
      ? {
          'access-control-allow-origin': wildcard ? '*' : origin!,
          'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
          ...(!wildcard && { vary: 'Origin' }),
        }
      : {};
  if (req.method !== 'OPTIONS') return { kind: 'pass', cors };
  const { 'access-control-expose-headers': _, ...preflight } = cors;
  return {
    kind: 'preflight',
    cors:
      'access-control-allow-origin' in cors
        ? {
            ...preflight,
            'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
            'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
            'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
          }
        : {},
  };
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The guard as a step in front of routing: answers refusals (through `refuse`, in the shape of the
 * route the request was for) and preflights itself, and returns true when the request may go on, its
 * CORS headers already set on `res`.
 */
export function guardRequest(policy: GuardPolicy, req: IncomingMessage, res: ServerResponse, refuse: (message: string, res: ServerResponse) => void): boolean {
  // What most requests are (a tool or SDK: no Origin, not a preflight): only the Host is decided, and
  // no CORS header is due unless every origin is allowed. Anything else takes the whole decision.
  if (req.headers.origin === undefined && req.method !== 'OPTIONS' && !policy.corsOrigins.includes('*') && isAllowedHost(single(req.headers.host), policy)) return true;
  const decision = decide(policy, { method: req.method, host: single(req.headers.host), origin: single(req.headers.origin) });
  if (decision.kind === 'refuse') {
    refuse(decision.message, res);
    return false;
  }
  for (const [name, value] of Object.entries(decision.cors)) res.setHeader(name, value);
  if (decision.kind === 'preflight') {
    res.writeHead(204, { 'content-length': 0 });
    res.end();
    return false;
  }
  return true;
}

/** Warnings for a start-up that leaves the emulator open to more than this machine's local pages and tools. */
export function exposureWarnings(opts: { host: string; corsOrigins: readonly string[]; verifySignatures: boolean }): string[] {
  const warnings: string[] = [];
  if (opts.corsOrigins.includes('*'))
    warnings.push("--cors-origins '*': any web page open in a browser on this machine can call the emulator and make it run commands");
  if (!opts.verifySignatures && !isLoopbackName(opts.host))
    warnings.push(
      `listening on ${opts.host}, not a loopback address, without signature verification: anyone who can reach this port can make the emulator run commands on this machine`,
    );
  return warnings;
}

/** What is wrong with the guard's settings (a --cors-origins entry that is no origin, a --public-url that is no URL), if anything. */
export function settingsError(opts: { corsOrigins: readonly string[]; allowedHosts: readonly string[]; publicUrl?: string }): string | undefined {
  const isOrigin = (o: string) => {
    const url = parseOrigin(o);
    return url !== undefined && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  };
  const badOrigin = opts.corsOrigins.find((o) => o !== '*' && !isOrigin(o));
  if (badOrigin !== undefined) return `invalid --cors-origins entry '${badOrigin}' (an origin such as http://dev.example:3000, or *)`;
  const badHost = opts.allowedHosts.find((h) => h !== '*' && hostNameOf(h.replace(/^\*\./, '')) === undefined);
  if (badHost !== undefined) return `invalid --allowed-hosts entry '${badHost}' (a host name such as codepipeline, *.example.internal, or *)`;
  if (opts.publicUrl !== undefined) {
    const url = parseOrigin(opts.publicUrl);
    if (!url || url.search || url.hash || url.username) return `invalid --public-url '${opts.publicUrl}' (an http or https URL such as http://codepipeline:4596)`;
  }
  return undefined;
}

/** The URL the emulator hands out: --public-url, else its endpoint (a wildcard listen address named as localhost). */
export function publicUrlOf(publicUrl: string | undefined, listenHost: string, port: number): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  const host = WILDCARD_ADDRESSES.has(normalName(listenHost)) ? 'localhost' : listenHost.includes(':') ? `[${normalName(listenHost)}]` : listenHost;
  return `http://${host}:${port}`;
}
