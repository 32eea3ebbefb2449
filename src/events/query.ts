// Who asks for which pipeline's events: the SigV4 scope as for the API, or account/region query parameters.
import { callerFrom, DEFAULT_ACCOUNT } from '../protocol/auth.js';
import { AwsError, validationError } from '../protocol/errors.js';
import { pipelineNotFound } from '../services/codepipeline/errors.js';
import type { AppDeps } from '../appDeps.js';
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

/**
 * The account and region whose pipeline is meant. Named by the request (account/region parameters, or a
 * SigV4 scope with a 12-digit access key, as for the API) they are taken as they are; left unnamed (a curl
 * or a browser), the one account and region that hold a pipeline of that name are taken.
 */
function scopeOf(deps: AppDeps, q: URLSearchParams, authorization: string | undefined, pipeline: string): Scope {
  const caller = callerFrom(authorization, q, deps.config.defaultRegion, deps.keys);
  // With signatures verified, the key always names its account.
  const namedAccount = q.get('account') ?? (deps.keys || caller.account !== DEFAULT_ACCOUNT ? caller.account : undefined);
  const namedRegion = q.get('region') ?? (caller.service !== undefined ? caller.region : undefined);
  const account = namedAccount ?? caller.account;
  const region = namedRegion ?? caller.region;
  if (!/^\d{12}$/.test(account)) throw validationError('account must be 12 digits');
  if (!/^[a-z0-9-]{1,30}$/.test(region)) throw validationError(`region '${region}' is not a valid region name`);
  if (deps.store.pipelines.get({ account, region }, pipeline) || (namedAccount && namedRegion)) return { account, region };
  const candidates = deps.store.pipelines
    .scopesOf(pipeline)
    .filter((s) => (!namedAccount || s.account === namedAccount) && (!namedRegion || s.region === namedRegion));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const where = candidates.map((s) => `account ${s.account} region ${s.region}`).join(', ');
    throw validationError(`Pipeline '${pipeline}' exists in more than one place (${where}): choose one with the account and region query parameters`);
  }
  return { account, region };
}

/** Parses and checks the request; throws AwsErrors (400 for bad parameters, 404 for an unknown pipeline). */
export function parseEventQuery(deps: AppDeps, url: URL, authorization: string | undefined, stream: boolean, lastEventId?: string): EventQuery {
  const q = url.searchParams;
  const pipeline = q.get('pipeline');
  if (!pipeline) throw validationError('The pipeline query parameter is required');
  const limit = intParam('limit', q.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  const scope = scopeOf(deps, q, authorization, pipeline);
  if (!deps.store.pipelines.get(scope, pipeline)) {
    const e = pipelineNotFound(scope.account, pipeline);
    throw new AwsError(e.type, `${e.message} in region '${scope.region}'`, 404);
  }
  // A list starts at the beginning; a stream, unless told where to resume, with the events still to come.
  const from = stream ? deps.store.events.latestSeq(scope, pipeline) : 0;
  const after = intParam('Last-Event-ID', lastEventId, intParam('after', q.get('after'), from, 0, Number.MAX_SAFE_INTEGER), 0, Number.MAX_SAFE_INTEGER);
  return { scope, pipeline, after, limit };
}
