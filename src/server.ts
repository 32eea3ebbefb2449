// The Hono app: routes only. The wire protocol lives in protocol/, operations in api/.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Config } from './config.js';
import type { Engine } from './engine/engine.js';
import type { Providers } from './providers/index.js';
import { callerFrom } from './protocol/auth.js';
import { err } from './protocol/errors.js';
import { dispatch, errorResponse, newRequestId } from './protocol/router.js';
import type { Store } from './store/index.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/log.js';
import { VERSION } from './version.js';

export interface AppDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  engine: Engine;
  providers: Providers;
}

/** Largest CodePipeline request body accepted; larger ones get 413. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createApp(deps: AppDeps) {
  const startedAt = Date.now();
  const app = new Hono();

  app.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'],
      allowHeaders: ['*', 'authorization', 'content-type', 'x-amz-target', 'x-amz-date', 'x-amz-security-token', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request'],
      exposeHeaders: ['x-amzn-requestid', 'x-amzn-errortype', 'x-amz-request-id', 'etag', 'x-amz-version-id'],
      maxAge: 86400,
    }),
  );

  app.get('/_health', (c) =>
    c.json({
      status: 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      store: deps.store.location,
    }),
  );

  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        const r = errorResponse(err('RequestEntityTooLargeException', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413), newRequestId());
        // The client may still be sending: close the connection rather than reuse a half-read one.
        return c.body(r.body, 413, { ...r.headers, connection: 'close' });
      },
    }),
    async (c) => {
      const requestId = newRequestId();
      const url = new URL(c.req.url);
      const caller = callerFrom(c.req.header('authorization'), url.searchParams, deps.config.defaultRegion);
      const raw = await c.req.text();
      const r = await dispatch(c.req.header('x-amz-target'), raw, {
        account: caller.account,
        region: caller.region,
        requestId,
        baseUrl: `${url.protocol}//${c.req.header('host') ?? url.host}`,
        store: deps.store,
        clock: deps.clock,
        log: deps.log,
        config: deps.config,
        engine: deps.engine,
        providers: deps.providers,
      });
      return c.body(r.body, r.status as 200, r.headers);
    },
  );

  app.notFound((c) => {
    const r = errorResponse(err('UnknownOperationException', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404), newRequestId());
    return c.body(r.body, 404, r.headers);
  });

  app.onError((e, c) => {
    const requestId = newRequestId();
    deps.log.error(`unhandled error (request ${requestId})`, e);
    const r = errorResponse(err('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500), requestId);
    return c.body(r.body, 500, r.headers);
  });

  return app;
}
