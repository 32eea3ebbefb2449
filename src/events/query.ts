// Who asks for which pipeline's events: the SigV4 scope as for the API, or account/region query parameters.
import { callerFrom } from '../protocol/auth.js';
import { err, pipelineNotFound, validationError } from '../protocol/errors.js';
import type { AppDeps } from '../server.js';
import type { Scope } from '../store/scope.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface EventQuery {
  scope: Scope;
  pipeline: string;
  /** Events with a greater sequence number are answered. */
  after: number;
  limit: number;
}

function intParam(name: string, raw: string | null | undefined, fallback: number, min: number, max: number): number {
  if (raw === null || raw === undefined || raw === '') return fallback;
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw validationError(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

/** Parses and checks the request; throws AwsErrors (400 for bad parameters, 404 for an unknown pipeline). */
export function parseEventQuery(deps: AppDeps, url: URL, authorization: string | undefined, lastEventId?: string): EventQuery {
  const q = url.searchParams;
  const caller = callerFrom(authorization, q, deps.config.defaultRegion, deps.keys);
  const account = q.get('account') ?? caller.account;
  const region = q.get('region') ?? caller.region;
  if (!/^\d{12}$/.test(account)) throw validationError('account must be 12 digits');
  if (!/^[a-z0-9-]{1,30}$/.test(region)) throw validationError(`region '${region}' is not a valid region name`);
  const pipeline = q.get('pipeline');
  if (!pipeline) throw validationError('The pipeline query parameter is required');
  const limit = intParam('limit', q.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  const after = intParam('Last-Event-ID', lastEventId, intParam('after', q.get('after'), 0, 0, Number.MAX_SAFE_INTEGER), 0, Number.MAX_SAFE_INTEGER);
  const scope = { account, region };
  if (!deps.store.pipelines.get(scope, pipeline)) {
    const e = pipelineNotFound(account, pipeline);
    throw err(e.type, e.message, 404);
  }
  return { scope, pipeline, after, limit };
}
