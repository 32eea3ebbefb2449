// HTTP routes of the trigger side: the webhook receiver and the pull request simulation.
import type { Context, Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { callerFrom } from '../protocol/auth.js';
import { MAX_ROUTE_BODY_BYTES } from '../protocol/bodyLimit.js';
import type { AppDeps } from '../appDeps.js';
import { parsePullRequest, PullRequestInputError, simulatePullRequest } from './pullRequest.js';
import { receiveWebhook } from './webhookReceiver.js';

/** Largest webhook or pull request body accepted (server.ts refuses larger ones before reading them). */
const MAX_BODY = MAX_ROUTE_BODY_BYTES;

const error = (c: Context, status: 400 | 403 | 404 | 413, type: string, message: string) => c.json({ __type: type, message }, status);

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export function registerTriggerRoutes(app: Hono, deps: AppDeps) {
  app.post('/webhooks/trigger', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > MAX_BODY) return error(c, 413, 'RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY} bytes`);
    const r = receiveWebhook(deps.engine, c.req.query('t') ?? '', body, {
      address: remoteAddress(c),
      headers: { sha256: c.req.header('x-hub-signature-256'), sha1: c.req.header('x-hub-signature') },
    });
    if (r.status === 404) return error(c, 404, 'WebhookNotFoundException', r.message);
    if (r.status === 403) return error(c, 403, 'AccessDeniedException', r.message);
    return c.json(r.pipelineExecutionId ? { message: r.message, pipelineExecutionId: r.pipelineExecutionId } : { message: r.message }, 200);
  });

  app.post('/_local/pull-request', async (c) => {
    const q = new URL(c.req.url).searchParams;
    const caller = callerFrom(c.req.header('authorization'), q, deps.config.defaultRegion, deps.keys);
    const scope = { account: q.get('account') ?? caller.account, region: q.get('region') ?? caller.region };
    if (!/^\d{12}$/.test(scope.account)) return error(c, 400, 'ValidationException', 'account must be 12 digits');
    if (!/^[a-z0-9-]{1,30}$/.test(scope.region)) return error(c, 400, 'ValidationException', `region '${scope.region}' is not a valid region name`);
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch {
      return error(c, 400, 'SerializationException', 'The request body is not valid JSON');
    }
    try {
      return c.json(await simulatePullRequest(deps.engine, scope, parsePullRequest(raw)), 200);
    } catch (e) {
      if (e instanceof PullRequestInputError) return error(c, 400, 'ValidationException', e.message);
      throw e;
    }
  });
}
