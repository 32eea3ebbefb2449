// The JSON 1.1 wire protocol, for any service that speaks it: X-Amz-Target -> operation, body ->
// validated input, result or AWS error -> response. Which service is asked is the router's decision
// (src/router.ts); a service is a JsonService definition (its target prefix, model, handlers).
// Error order follows AWS: malformed body -> unknown operation -> authentication (when signatures are
// verified) -> validation -> the operation's own errors.
import type { Logger } from '../util/log.js';
import { validRegion } from './auth.js';
import { AwsError, err, notImplemented } from './errors.js';
import { ReadCache } from './readCache.js';

export interface WireResponse {
  status: number;
  /** A cached read's answer is the bytes encoded once when it was kept. */
  body: string | Buffer;
  headers: Record<string, string>;
}

/** Who calls, where, as the request says (and, verified, as its key says). */
export interface Call {
  account: string;
  region: string;
  requestId: string;
  /** The access key id the request is signed with (its credential scope), when it names one. */
  accessKeyId?: string;
  /** The session token the request carries (X-Amz-Security-Token), for temporary credentials. */
  sessionToken?: string;
  /** When signatures are verified: presigns a link to the emulator's own routes with the caller's key. */
  signUrl?: (url: string) => string;
}

/** What a JSON 1.1 service implements: its model's operations, its validator, its handlers. */
export interface JsonApi<D = any, C = any> {
  /** The service model's operation table: a target names an operation only when it is an own key here. */
  operations: Record<string, unknown>;
  /** The model's input validation: throws the AwsError AWS would answer. */
  validate(operation: string, body: unknown): unknown;
  /** Operation name -> handler; an operation of the model missing here answers NotImplementedException (501). */
  handlers: Record<string, ((ctx: C, input: any) => unknown) | undefined>;
  /** The context a handler receives, from the shared dependencies and the call. */
  context(deps: D, call: Call): C;
  /** The service's own errors as AWS errors (default: AwsError as thrown; anything else is InternalFailure). */
  errorOf?(e: unknown): AwsError | undefined;
  /** Read operations whose answers are kept until the database changes (protocol/readCache.ts). */
  reads?: CachedReads<D>;
}

export interface CachedReads<D> {
  /**
   * Operations whose answer is a function of the database, the request body and the caller's account
   * and region alone (no clock, no random ids, nothing held only in memory). Never used when
   * signatures are verified: answers then carry links presigned with the caller's key.
   */
  operations: ReadonlySet<string>;
  /** Changes whenever any row of the database does (Store.writeGeneration). */
  generation(deps: D): number;
}

/** One read cache per emulator (its dependencies object): start() may run several in one process. */
const readCaches = new WeakMap<object, ReadCache<Buffer>>();

/** A JSON 1.1 service on the shared port. Without `api` it is recognised but not implemented yet. */
export interface JsonService<D = any, C = any> {
  name: string;
  /** The service name of its SigV4 credential scope. */
  signingName: string;
  protocol: 'json';
  /** The X-Amz-Target prefix (the model's metadata.targetPrefix). */
  targetPrefix: string;
  api?: JsonApi<D, C>;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
const INTERNAL_FAILURE = 'The request processing has failed because of an unknown error, exception or failure.';

/** Dates as AWS JSON 1.1 sends timestamps: epoch seconds. */
function epochSecondsToJson(this: Date) {
  return this.getTime() / 1000;
}

/**
 * Serialises an output with Dates as epoch seconds. Date.prototype.toJSON is swapped only for the
 * duration of this synchronous call (no other code can run meanwhile): a replacer function would
 * cost a call per key.
 */
function toAwsJson(output: unknown): string {
  const original = Date.prototype.toJSON;
  Date.prototype.toJSON = epochSecondsToJson as unknown as typeof original;
  try {
    return JSON.stringify(output);
  } finally {
    Date.prototype.toJSON = original;
  }
}

export function errorResponse(e: AwsError, requestId: string): WireResponse & { body: string } {
  return {
    status: e.status,
    body: JSON.stringify({ __type: e.type, message: e.message }),
    headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': e.type },
  };
}

/** A service the router recognises but the emulator does not implement yet: 501, naming it. */
export const serviceNotImplemented = (service: string, target: string) =>
  err('NotImplementedException', `${service} is not implemented yet in codepipeline-local (${target})`, 501);

export interface JsonRequest<D> {
  target: string | undefined;
  rawBody: string;
  deps: D;
  call: Call;
  /** The region used when the request names none (a scope naming another must name a valid region). */
  defaultRegion: string;
  log: Logger;
  /** Verifies the signature (signatures verified only); throws the AwsError AWS would answer. */
  authenticate?: () => void;
}

/** Where a cacheable read's answer would be kept (protocol/readCache.ts), and the generation it was looked up at. */
interface CacheSlot {
  cache: ReadCache<Buffer>;
  key: string;
  generation: number;
}

/**
 * Handles one request for `service`; never throws. A read answered before, with the database
 * unchanged since, is answered synchronously (no promise, no extra turn): most reads under load.
 */
export function dispatch<D>(service: JsonService<D>, r: JsonRequest<D>): WireResponse | Promise<WireResponse> {
  const { target, call } = r;
  const api = service.api;
  const reads = api?.reads;
  if (!api || !reads || call.signUrl || !target) return dispatchUncached(service, r, undefined);
  const dot = target.indexOf('.');
  const operation = target.slice(dot + 1);
  if (dot < 0 || target.slice(0, dot) !== service.targetPrefix || !reads.operations.has(operation)) return dispatchUncached(service, r, undefined);
  let cache = readCaches.get(r.deps as object);
  if (!cache) readCaches.set(r.deps as object, (cache = new ReadCache()));
  const key = `${operation}\n${call.account}\n${call.region}\n${r.rawBody}`;
  const generation = reads.generation(r.deps);
  const answer = cache.get(generation, key);
  if (answer === undefined) return dispatchUncached(service, r, { cache, key, generation });
  if (r.authenticate) {
    try {
      // A hit means this body parsed, named a known operation and validated: only authentication is left.
      r.authenticate();
    } catch (e) {
      return failure(api, r, e);
    }
  }
  return { status: 200, body: answer, headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': call.requestId } };
}

async function dispatchUncached<D>(service: JsonService<D>, r: JsonRequest<D>, slot: CacheSlot | undefined): Promise<WireResponse> {
  const { target, call } = r;
  const { requestId } = call;
  const api = service.api;
  try {
    if (!api) throw serviceNotImplemented(service.name, target ?? '');
    const [prefix, operation] = (target ?? '').split('.');
    let body: unknown = {};
    if (r.rawBody.trim() !== '') {
      try {
        body = JSON.parse(r.rawBody);
      } catch {
        throw err('SerializationException', 'Start of structure or map found where not expected.');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw err('SerializationException', 'Start of structure or map found where not expected.');

    // Own properties only: `toString`, `__proto__` or `constructor` name no operation.
    if (prefix !== service.targetPrefix || !operation || !Object.hasOwn(api.operations, operation))
      throw err('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
    r.authenticate?.();
    if (call.region !== r.defaultRegion && !validRegion(call.region)) throw err('InvalidSignatureException', 'Credential should be scoped to a valid region.');

    const input = api.validate(operation, body);
    const handler = Object.hasOwn(api.handlers, operation) ? api.handlers[operation] : undefined;
    if (!handler) throw notImplemented(operation);
    const output = (await handler(api.context(r.deps, call), input)) ?? {};
    const answer = toAwsJson(output);
    // Kept only when nothing wrote while the handler ran (the generation is the one looked up at).
    // Kept encoded, so that a hit sends these bytes as they are: in a buffer of its own (a pooled one
    // would hold its whole 8 KiB slab for as long as the answer is kept).
    if (slot && api.reads!.generation(r.deps) === slot.generation) slot.cache.set(slot.generation, slot.key, encodedAlone(answer));
    return {
      status: 200,
      body: answer,
      headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': requestId },
    };
  } catch (e) {
    return failure(api, r, e);
  }
}

/** `text` as UTF-8 in a buffer that shares no memory with any other. */
function encodedAlone(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** A thrown error as the response AWS would send: the service's own errors by name, anything else InternalFailure. */
function failure<D>(api: JsonApi<D> | undefined, r: JsonRequest<D>, e: unknown): WireResponse {
  const { target, call } = r;
  const known = e instanceof AwsError ? e : api?.errorOf?.(e);
  if (known) {
    r.log.debug(`${target} -> ${known.type}: ${known.message}`);
    return errorResponse(known, call.requestId);
  }
  r.log.error(`InternalFailure in ${target} (request ${call.requestId})`, e);
  return errorResponse(err('InternalFailure', INTERNAL_FAILURE, 500), call.requestId);
}

/** Request ids: see requestIds.ts (re-exported: the protocol's modules import it from here). */
export { newRequestId } from './requestIds.js';
