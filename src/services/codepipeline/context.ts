// What every operation handler receives: who calls, where, and the services it may use.
import type { Config } from '../../config.js';
import type { Engine } from '../../engine/engine.js';
import type { Providers } from '../../providers/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';

export interface Ctx {
  account: string;
  region: string;
  requestId: string;
  /** The emulator's public URL (--public-url, else its endpoint), e.g. http://127.0.0.1:4596: webhook and log URLs. Never the request's Host. */
  baseUrl: string;
  /** When signatures are verified: presigns a link to the emulator's own routes with the caller's key (log URLs in answers). */
  signUrl?: (url: string) => string;
  store: Store;
  clock: Clock;
  log: Logger;
  config: Config;
  engine: Engine;
  providers: Providers;
}

/** Any operation, as the dispatcher sees it (looked up by name); operations/ types each one with model/types.ts's Handler<Op>. */
export type Handler<I = any, O = any> = (ctx: Ctx, input: I) => O | Promise<O>;
