// Programmatic API for other projects' tests: start({ port: 0, inMemory: true }) -> { endpoint, stop() }.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { handleApiRequest, isApiRequest } from './protocol/nodeApi.js';
import { defaultConfig, type Config } from './config.js';
import { createApp } from './server.js';
import { Engine } from './engine/engine.js';
import { loadLocalConfig } from './localConfig.js';
import { registerProviders } from './providers/index.js';
import { Store } from './store/index.js';
import { systemClock, type Clock } from './util/clock.js';
import { Logger } from './util/log.js';

export interface StartOptions extends Partial<Config> {
  clock?: Clock;
}

export interface RunningEmulator {
  endpoint: string;
  port: number;
  store: Store;
  engine: Engine;
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<RunningEmulator> {
  const { clock = systemClock, ...overrides } = options;
  const config = defaultConfig(overrides);
  const log = new Logger(config.logLevel);
  const store = Store.open(config);
  const engine = new Engine(store, clock, log);
  engine.localConfig = loadLocalConfig(config.dataDir, config.configFile);
  const providers = registerProviders(engine);
  const deps = { config, store, clock, log, engine, providers };
  const honoListener = getRequestListener(createApp(deps).fetch);
  const server: Server = createServer((req, res) => (isApiRequest(req) ? handleApiRequest(deps, req, res) : honoListener(req, res)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  engine.resume();
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopped = false;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    store,
    engine,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      engine.shutdown();
      store.close();
    },
  };
}

export { defaultConfig, DEFAULT_PORT, type Config } from './config.js';
