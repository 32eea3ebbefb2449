// Local endpoints (not part of the AWS API). The account and region come from the SigV4
// Authorization header (the credential scope; a 12-digit access key id is the account), or the
// `account` and `region` query parameters, which win. Errors are JSON: {"__type", "message"}.
//
// Simulation settings that stage-condition rules read:
//   PUT /_local/simulation/alarm/NAME   {"state": "ALARM" | "OK" | "INSUFFICIENT_DATA"}
//   PUT /_local/simulation/lambda/NAME  {"status": "Succeeded" | "Failed", "summary"?: "..."}
//   GET the same paths -> the current setting (404 when none is set)
// Rules re-check on their own timers, so a change is seen at the next check.
//
// Simulated resources, read-only (what deploy and invoke actions left behind; nothing in AWS):
//   GET /_local/simulated               -> {account, region, stacks: [...], deployments: [...], executions: [...]}
//   GET /_local/simulated/stacks        -> {account, region, stacks: [...]}       CloudFormation stacks
//   GET /_local/simulated/deployments   -> {account, region, deployments: [...]}  CodeDeploy, ECS, Elastic Beanstalk, AppConfig...
//   GET /_local/simulated/executions    -> {account, region, executions: [...]}   Step Functions executions
// Most recently updated first. A stack: stackName, stackId, status, statusReason?, parameters (NoEcho
// ones as ****), outputs, resources, changeSets, created, updated, lastAction. A deployment: provider,
// deploymentId, target, status, configuration, created, source. An execution: executionArn,
// stateMachineArn, name, status, input, output?/error?, startDate, stopDate, source. lastAction and
// source name the pipeline action that made the change, with logUrl, that action's log. Deleted
// stacks stay listed with status DELETE_COMPLETE, as ListStacks shows them. Example:
//   curl 'http://127.0.0.1:4596/_local/simulated/stacks?account=123456789012&region=us-east-1'
//
// The whole state (see ./state.ts), without restarting the server:
//   POST /_local/snapshot   -> 200 application/zip: a snapshot archive of the state now
//   POST /_local/restore    body: a snapshot archive -> 200 {"restored": {pipelines, executions, objects, bodies, logs}}
//   POST /_local/reset      empty body -> 200 {"reset": {...counts, all 0}}; with a snapshot archive as the body, as restore
// Running builds and other in-process work are stopped first; the engine then resumes from the new
// state as after a restart. A body that is not a usable snapshot: 400 ValidationException, nothing changed.
import { settleStacks } from '../services/cloudformation/runner.js';
import type { Context, Hono } from 'hono';
import { callerFrom } from '../protocol/auth.js';
import { AwsError, err, validationError } from '../protocol/errors.js';
import { errorResponse, newRequestId } from '../protocol/json11.js';
import type { AppDeps } from '../appDeps.js';
import type { Scope } from '../store/scope.js';
import { actionLogUrl } from '../logs/actionLogs.js';
import { deploymentsView, executionsView, stacksView } from '../simulated/view.js';
import { BadSnapshot, liveParts, replaceLiveState, takeSnapshot } from './state.js';

/** Largest snapshot a restore accepts (it is read into memory). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024 * 1024 - 1;
/** The routes whose bodies are snapshots: they get MAX_SNAPSHOT_BYTES instead of the /_local limit. */
export const SNAPSHOT_ROUTES = new Set(['/_local/restore', '/_local/reset']);

const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];
const LAMBDA_STATUSES = ['Succeeded', 'Failed'];
const NAME = /^[^\u0000-\u001f]{1,255}$/;

type Kind = 'alarm' | 'lambda';

function scopeOf(deps: AppDeps, c: Context): Scope {
  const q = new URL(c.req.url).searchParams;
  const caller = callerFrom(c.req.header('authorization'), q, deps.config.defaultRegion, deps.keys);
  const account = q.get('account') ?? caller.account;
  const region = q.get('region') ?? caller.region;
  if (!/^\d{12}$/.test(account)) throw validationError('account must be 12 digits');
  if (!/^[a-z0-9-]{1,30}$/.test(region)) throw validationError(`region '${region}' is not a valid region name`);
  return { account, region };
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw validationError('The name must be 1 to 255 characters without control characters');
  return name;
}

function parseSetting(kind: Kind, raw: string): Record<string, string> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw err('SerializationException', 'The request body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw validationError('The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const allowed = kind === 'alarm' ? ['state'] : ['status', 'summary'];
  const extra = Object.keys(b).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw validationError(`Unknown field '${extra}'; expected ${allowed.join(', ')}`);
  if (kind === 'alarm') {
    if (typeof b.state !== 'string' || !ALARM_STATES.includes(b.state)) throw validationError(`state must be one of ${ALARM_STATES.join(', ')}`);
    return { state: b.state };
  }
  if (typeof b.status !== 'string' || !LAMBDA_STATUSES.includes(b.status)) throw validationError(`status must be one of ${LAMBDA_STATUSES.join(', ')}`);
  if (b.summary !== undefined && (typeof b.summary !== 'string' || b.summary.length < 1 || b.summary.length > 2048))
    throw validationError('summary must be a string of 1 to 2048 characters');
  return { status: b.status, ...(b.summary !== undefined && { summary: b.summary as string }) };
}

async function answer(c: Context, fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    const r = errorResponse(e, newRequestId());
    return c.body(r.body, r.status as 400, { ...r.headers, 'content-type': 'application/json' });
  }
}

const SIMULATED_VIEWS = {
  stacks: stacksView,
  deployments: deploymentsView,
  executions: executionsView,
} as const;

function replace(deps: AppDeps, body: ArrayBuffer) {
  try {
    return replaceLiveState(deps.engine, deps.triggers, () => void settleStacks(deps, () => true), body.byteLength ? new Uint8Array(body) : undefined, 'the request body');
  } catch (e) {
    if (e instanceof BadSnapshot) throw validationError(e.message);
    throw e;
  }
}

export function registerLocalRoutes(app: Hono, deps: AppDeps) {
  app.post('/_local/snapshot', (c) => {
    const { archive, manifest } = takeSnapshot(liveParts(deps.engine));
    const name = `codepipeline-local-${manifest.created.replace(/[:.]/g, '-')}.zip`;
    return c.body(archive as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}"` });
  });
  app.post('/_local/restore', (c) =>
    answer(c, async () => {
      const body = await c.req.arrayBuffer();
      if (!body.byteLength) throw validationError('The request body must be a snapshot archive (see POST /_local/snapshot)');
      return c.json({ restored: replace(deps, body) });
    }),
  );
  app.post('/_local/reset', (c) =>
    answer(c, async () => {
      const body = await c.req.arrayBuffer();
      return c.json(body.byteLength ? { restored: replace(deps, body) } : { reset: replace(deps, body) });
    }),
  );
  const logUrl = (id: string) => actionLogUrl(deps.engine, id);
  app.get('/_local/simulated', (c) =>
    answer(c, () => {
      const scope = scopeOf(deps, c);
      const views = Object.entries(SIMULATED_VIEWS).map(([k, view]) => [k, view(deps.store.simulated, scope, logUrl)]);
      return c.json({ ...scope, ...Object.fromEntries(views) });
    }),
  );
  app.get('/_local/simulated/:kind', (c) =>
    answer(c, () => {
      const kind = c.req.param('kind');
      if (!Object.hasOwn(SIMULATED_VIEWS, kind))
        throw new AwsError('ResourceNotFoundException', `No simulated resources named '${kind}': use stacks, deployments or executions`, 404);
      const scope = scopeOf(deps, c);
      return c.json({ ...scope, [kind]: SIMULATED_VIEWS[kind as keyof typeof SIMULATED_VIEWS](deps.store.simulated, scope, logUrl) });
    }),
  );
  for (const kind of ['alarm', 'lambda'] as const) {
    app.put(`/_local/simulation/${kind}/:name`, (c) =>
      answer(c, async () => {
        const scope = scopeOf(deps, c);
        const name = checkName(c.req.param('name'));
        const value = parseSetting(kind, await c.req.text());
        deps.store.rules.setSimulation(scope, kind, name, value);
        return c.json({ kind, name, ...scope, ...value });
      }),
    );
    app.get(`/_local/simulation/${kind}/:name`, (c) =>
      answer(c, () => {
        const scope = scopeOf(deps, c);
        const name = checkName(c.req.param('name'));
        const value = deps.store.rules.simulation<Record<string, string>>(scope, kind, name);
        if (!value) throw new AwsError('ResourceNotFoundException', `No simulated ${kind} named '${name}' in account ${scope.account}, region ${scope.region}`, 404);
        return c.json({ kind, name, ...scope, ...value });
      }),
    );
  }
}
