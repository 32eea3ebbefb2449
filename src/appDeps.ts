// What the emulator's own routes (server.ts and the routes modules it registers) are given: on its own
// so that those modules and server.ts do not import each other.
import type { Config } from './config.js';
import type { Engine } from './engine/engine.js';
import type { Providers } from './providers/index.js';
import type { KeyRing } from './protocol/credentials.js';
import type { ProvisionerRegistry } from './stacks/provisioners.js';
import type { Store } from './store/index.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/log.js';
import type { ChangeDetection } from './triggers/service.js';

export interface AppDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  engine: Engine;
  providers: Providers;
  /** Change detection (stopped and started again around a reset or restore). */
  triggers: ChangeDetection;
  /** The resource types stacks create for real (src/stacks/resources/); the others are simulated. */
  provisioners: ProvisionerRegistry;
  /** The accepted access keys when signatures are verified (--credentials). */
  keys?: KeyRing;
}

/** What an API service's handlers are built from: the same, and the public URL known once the port is. Here, not in router.ts, so a service's definition and the router that lists it do not import each other. */
export type ServiceDeps = AppDeps & { baseUrl: string };
