// The AWS query protocol (STS, CloudFormation): a form-encoded `POST /` (or a GET's query string) with
// `Action=...&Version=...`, answered in XML. Generic over a service model: the flattened parameters
// (`Parameters.member.1.ParameterKey`, `Tags.member.N.Key`, maps as `.entry.N.key/value`) are read into
// the operation's input shape, validated by the model's validator, handed to the operation's handler,
// and the output shape is written as AWS writes it:
//   <XxxResponse xmlns="..."><XxxResult>...</XxxResult><ResponseMetadata><RequestId/></ResponseMetadata></XxxResponse>
// Error order follows AWS: unknown action -> authentication (signatures verified) -> region -> input
// (types, then the model's constraints) -> the operation's own errors.
import { validRegion } from './auth.js';
import { AwsError, queryErr } from './errors.js';
import type { Call, WireResponse } from './json11.js';
import type { Logger } from '../util/log.js';
import { shapeOf, type ServiceModel, type Shape } from '../model/serviceModel.js';

/** What a query service implements: its model, its validator, its handlers. */
export interface QueryApi<D = any, C = any> {
  model: ServiceModel & { metadata: { xmlNamespace?: string } };
  /** The model's input validation (src/model/validate.ts): throws ValidationException, answered as `validationCode`. */
  validate(operation: string, input: unknown): unknown;
  /** Operation name -> handler; an operation of the model missing here answers NotImplemented (501). */
  handlers: Partial<Record<string, (ctx: C, input: any) => unknown>>;
  context(deps: D, call: Call): C;
  /** The service's own errors as AWS errors (default: AwsError as thrown; anything else is InternalFailure). */
  errorOf?(e: unknown): AwsError | undefined;
}

/** A query-protocol service on the shared port. Without `api` it answers 501. */
export interface QueryService<D = any, C = any> {
  name: string;
  /** The service name of its SigV4 credential scope. */
  signingName: string;
  protocol: 'query';
  /** The model's metadata.apiVersion: the `Version` parameter that names this service. */
  apiVersion: string;
  /** The model's metadata.xmlNamespace, on every answer. */
  xmlNamespace: string;
  api?: QueryApi<D, C>;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

export const isFormBody = (contentType: string | undefined) => contentType !== undefined && contentType.toLowerCase().startsWith(FORM_TYPE);

/** The request's parameters: the URL's query, then the form body's (which win). */
export function queryParams(rawQuery: string, formBody: string): URLSearchParams {
  const params = new URLSearchParams(rawQuery);
  for (const [k, v] of new URLSearchParams(formBody)) params.set(k, v);
  return params;
}

// Characters XML 1.0 cannot carry at all are dropped; markup characters are escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\r': '&#13;' };
export const escapeXml = (s: string) => s.replace(INVALID_XML, '').replace(/[<>&"\r]/g, (c) => ENTITIES[c]);

/** AWS's query-protocol error: <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>. */
export function queryErrorResponse(e: AwsError, requestId: string, xmlNamespace?: string): WireResponse {
  const type = e.status >= 500 && e.status !== 501 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse${xmlNamespace ? ` xmlns="${escapeXml(xmlNamespace)}"` : ''}>` +
    `<Error><Type>${type}</Type><Code>${escapeXml(e.type)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, body, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId } };
}

/** The protocol's own errors: AWS's query services answer these codes whatever their model lists. */
const invalidParameter = (message: string) => new AwsError('InvalidParameterValue', message);
const validation = (message: string) => new AwsError('ValidationError', message);
const INTERNAL_FAILURE = 'The request processing has failed because of an unknown error, exception or failure.';

// ---- reading the flattened parameters into a shape ----

class ParamReader {
  /** Every parameter name's prefixes ("A.member.1.B" -> "A", "A.member", "A.member.1"), to tell what is present. */
  private readonly prefixes = new Set<string>();

  constructor(
    private readonly model: ServiceModel,
    private readonly params: URLSearchParams,
  ) {
    for (const name of params.keys()) {
      let i = name.indexOf('.');
      while (i >= 0) {
        this.prefixes.add(name.slice(0, i));
        i = name.indexOf('.', i + 1);
      }
    }
  }

  private present(name: string) {
    return this.params.has(name) || this.prefixes.has(name);
  }

  /** The value of shape `shapeName` at `name` (undefined when the request has none). */
  read(shapeName: string, name: string): unknown {
    const s = shapeOf(this.model, shapeName);
    if (s.type === 'structure') return this.structure(s, name);
    if (!this.present(name)) return undefined;
    switch (s.type) {
      case 'list':
        return this.list(s, name);
      case 'map':
        return this.map(s, name);
      default:
        return this.scalar(s, name, this.params.get(name));
    }
  }

  private structure(s: Shape, prefix: string): Record<string, unknown> | undefined {
    if (prefix !== '' && !this.prefixes.has(prefix)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [member, ref] of Object.entries(s.members ?? {})) {
      const v = this.read(ref.shape, prefix === '' ? member : `${prefix}.${member}`);
      if (v !== undefined) out[member] = v;
    }
    return out;
  }

  private list(s: Shape, name: string): unknown[] {
    // An empty list travels as `Name=` (botocore) and has no members.
    const out: unknown[] = [];
    for (let i = 1; ; i++) {
      const item = `${name}.member.${i}`;
      if (!this.present(item)) break;
      out.push(this.read(s.member!.shape, item));
    }
    return out;
  }

  private map(s: Shape, name: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 1; ; i++) {
      const entry = `${name}.entry.${i}`;
      if (!this.present(entry)) break;
      const key = this.params.get(`${entry}.key`);
      if (key !== null) out[key] = this.read(s.value!.shape, `${entry}.value`);
    }
    return out;
  }

  private scalar(s: Shape, name: string, raw: string | null): unknown {
    if (raw === null) return undefined;
    switch (s.type) {
      case 'integer':
      case 'long': {
        if (!/^[-+]?\d+$/.test(raw.trim())) throw invalidParameter(`Value (${raw}) for parameter ${name} is invalid. Expected a number.`);
        return Number(raw);
      }
      case 'double':
      case 'float': {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n)) throw invalidParameter(`Value (${raw}) for parameter ${name} is invalid. Expected a number.`);
        return n;
      }
      case 'boolean': {
        const v = raw.toLowerCase();
        if (v !== 'true' && v !== 'false') throw invalidParameter(`Value (${raw}) for parameter ${name} is invalid. Expected a boolean.`);
        return v === 'true';
      }
      case 'timestamp': {
        const t = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
        if (!Number.isFinite(t)) throw invalidParameter(`Value (${raw}) for parameter ${name} is invalid. Expected a timestamp.`);
        return new Date(t).toISOString();
      }
      default:
        return raw;
    }
  }
}

/** The operation's input, read from the request's flattened parameters. */
export function readQueryInput(model: ServiceModel, inputShape: string | undefined, params: URLSearchParams): Record<string, unknown> {
  if (!inputShape) return {};
  return (new ParamReader(model, params).read(inputShape, '') as Record<string, unknown> | undefined) ?? {};
}

/** The validator's message with the query services' member paths: first letters lower-cased (`stackName`, `parameters.1.member.parameterKey`). */
const queryPaths = (message: string) => message.replace(/ at '([^']*)'/g, (_m, path: string) => ` at '${path.replace(/(^|\.)([A-Z])/g, (_x, dot: string, c: string) => dot + c.toLowerCase())}'`);

// ---- writing an output shape as XML ----

function isoTime(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return new Date(v * 1000).toISOString();
  const t = Date.parse(String(v));
  return Number.isFinite(t) ? new Date(t).toISOString() : String(v);
}

/** The value `v` of shape `shapeName` as the content of its element. */
export function shapeXml(model: ServiceModel, shapeName: string, v: unknown): string {
  const s = shapeOf(model, shapeName);
  switch (s.type) {
    case 'structure': {
      const obj = (v ?? {}) as Record<string, unknown>;
      let out = '';
      for (const [member, ref] of Object.entries(s.members ?? {})) {
        const value = obj[member];
        if (value === undefined || value === null) continue;
        out += `<${member}>${shapeXml(model, ref.shape, value)}</${member}>`;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((item) => `<member>${shapeXml(model, s.member!.shape, item)}</member>`).join('');
    case 'map':
      return Object.entries(v as Record<string, unknown>)
        .map(([k, item]) => `<entry><key>${escapeXml(k)}</key><value>${shapeXml(model, s.value!.shape, item)}</value></entry>`)
        .join('');
    case 'timestamp':
      return isoTime(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'blob':
      return Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('base64') : escapeXml(String(v));
    default:
      return escapeXml(String(v));
  }
}

/** The signature errors (apiAuth.ts speaks the JSON services' names) under the query services' codes. */
function queryAuthError(e: AwsError): AwsError {
  switch (e.type) {
    case 'MissingAuthenticationTokenException':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'IncompleteSignatureException':
      return new AwsError('IncompleteSignature', e.message, 400);
    case 'UnrecognizedClientException':
      return new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'InvalidSignatureException':
      return new AwsError('SignatureDoesNotMatch', e.message, 403);
    default:
      return e;
  }
}

export interface QueryRequest<D> {
  params: URLSearchParams;
  deps: D;
  call: Call;
  defaultRegion: string;
  log: Logger;
  /** Verifies the signature (signatures verified only); throws the AwsError AWS would answer. */
  authenticate?: () => void;
}

/** Answers one request for `service`; never throws. */
export async function dispatchQuery<D>(service: QueryService<D>, r: QueryRequest<D>): Promise<WireResponse> {
  const { requestId } = r.call;
  const action = r.params.get('Action') ?? '';
  const api = service.api;
  const ns = service.xmlNamespace;
  try {
    if (!api)
      throw queryErr('NotImplemented', `${service.name} is not implemented yet in codepipeline-local (Action=${action}, Version=${service.apiVersion})`, 501);
    if (action === '') throw queryErr('MissingAction', 'Missing Action');
    const op = Object.hasOwn(api.model.operations, action) ? api.model.operations[action] : undefined;
    if (!op) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${r.params.get('Version') ?? service.apiVersion}`);
    try {
      r.authenticate?.();
    } catch (e) {
      throw e instanceof AwsError ? queryAuthError(e) : e;
    }
    if (r.call.region !== r.defaultRegion && !validRegion(r.call.region)) throw new AwsError('InvalidClientTokenId', 'Credential should be scoped to a valid region.', 403);
    const handler = Object.hasOwn(api.handlers, action) ? api.handlers[action] : undefined;
    if (!handler) throw queryErr('NotImplemented', `${action} is not implemented yet in codepipeline-local (${service.name})`, 501);
    let input: unknown;
    try {
      input = api.validate(action, readQueryInput(api.model, op.input?.shape, r.params));
    } catch (e) {
      // The JSON validator's names, in the query protocol's words.
      if (e instanceof AwsError && (e.type === 'ValidationException' || e.type === 'SerializationException')) throw validation(queryPaths(e.message));
      throw e;
    }
    const output = (await handler(api.context(r.deps, r.call), input)) ?? {};
    const wrapper = (op.output as { resultWrapper?: string } | undefined)?.resultWrapper;
    const result = op.output ? shapeXml(api.model, op.output.shape, output) : '';
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${escapeXml(ns)}">` +
      (wrapper ? `<${wrapper}>${result}</${wrapper}>` : result) +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, body, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId } };
  } catch (e) {
    const known = e instanceof AwsError ? e : api?.errorOf?.(e);
    if (known) {
      r.log.debug(`${service.name} ${action} -> ${known.type}: ${known.message}`);
      // A signature error speaks the JSON services' names; the query services use the same codes.
      return queryErrorResponse(known, requestId, ns);
    }
    r.log.error(`InternalFailure in ${service.name} ${action} (request ${requestId})`, e);
    return queryErrorResponse(queryErr('InternalFailure', INTERNAL_FAILURE, 500), requestId, ns);
  }
}
