// The Hono app: the emulator's own routes. Wire protocols live in protocol/, services in services/.
import { Hono } from 'hono';
import type { AppDeps } from './appDeps.js';
import { limitBody } from './protocol/bodyLimit.js';
import { requireSignature } from './protocol/routeAuth.js';
import { err } from './protocol/errors.js';
import { errorResponse, newRequestId } from './protocol/json11.js';
import { registerEventRoutes } from './events/routes.js';
import { MAX_SNAPSHOT_BYTES, registerLocalRoutes, SNAPSHOT_ROUTES } from './local/routes.js';
import { registerLogRoutes } from './logs/routes.js';
import { registerTriggerRoutes } from './triggers/routes.js';
import { registerConsoleRoutes } from './console/routes.js';
import { health } from './health.js';

export type { AppDeps } from './appDeps.js';

/** `startedAt`: when the emulator started (for /_health's uptime), if before this app was built. */
export function createApp(deps: AppDeps, startedAt = Date.now()) {
  const app = new Hono();

  // Who may call at all, and the CORS headers, are decided in front of this app (protocol/requestGuard.ts).

  app.get('/_health', (c) => c.json(health(deps.store, startedAt)));

  // POST / (the CodePipeline API) is served by protocol/nodeApi.ts in front of this app.

  // Bodies of the routes below are read into memory: bounded before they are.
  app.use('/webhooks/*', limitBody());
  const localLimit = limitBody();
  const snapshotLimit = limitBody(MAX_SNAPSHOT_BYTES);
  app.use('/_local/*', (c, next) => (SNAPSHOT_ROUTES.has(c.req.path) ? snapshotLimit : localLimit)(c, next));
  // Signatures verified: the emulator's own routes need one too (after the body limit: it reads the body).
  if (deps.keys) app.use('*', requireSignature(deps.keys));

  registerEventRoutes(app, deps);
  registerLocalRoutes(app, deps);
  registerTriggerRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerConsoleRoutes(app, deps);

  app.notFound((c) => {
    const r = errorResponse(err('UnknownOperationException', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404), newRequestId());
    return c.body(r.body, 404, r.headers);
  });

  app.onError((e, c) => {
    const requestId = newRequestId();
    // A client that went away mid-request (its body cut short) hears nothing: not a server error.
    if (c.req.raw.signal.aborted || (e as { code?: string }).code === 'ECONNRESET' || e.message === 'aborted') {
      deps.log.debug(`request ${requestId} aborted by the client: ${e.message}`);
      return c.body(null, 400);
    }
    deps.log.error(`unhandled error (request ${requestId})`, e);
    const r = errorResponse(err('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500), requestId);
    return c.body(r.body, 500, r.headers);
  });

  return app;
}
