// GET /_health: the readiness probe (Docker health checks, scripts waiting for a start). Answered by
// src/index.ts without loading the emulator's other routes, and by the Hono app (server.ts) alike.
import path from 'node:path';
import type { Store } from './store/index.js';
import { VERSION } from './version.js';

export function health(store: Store, startedAt: number) {
  return {
    status: 'ok',
    version: VERSION,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    // The store's kind, not its path: a page may read this, and the data folder's location is the machine's business.
    store: store.location === ':memory:' ? ':memory:' : path.basename(store.location),
  };
}
