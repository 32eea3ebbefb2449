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
import { handleS3Request, isS3Request, ObjectStore } from './s3/index.js';
import { startTriggers, stopTriggers } from './triggers/service.js';
import { systemClock, type Clock } from './util/clock.js';
import { Logger } from './util/log.js';
import { unzipLimits } from './util/zip.js';

export interface StartOptions extends Partial<Config> {
  clock?: Clock;
}

export interface RunningEmulator {
  endpoint: string;
  port: number;
  store: Store;
  engine: Engine;
  /** The S3-compatible object store served on the same port (also `engine.objects`). */
  objects: ObjectStore;
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<RunningEmulator> {
  const { clock = systemClock, ...overrides } = options;
  const config = defaultConfig(overrides);
  const log = new Logger(config.logLevel);
  const store = Store.open(config);
  const engine = new Engine(store, clock, log);
  engine.localConfig = loadLocalConfig(config.dataDir, config.configFile);
  engine.unzipLimits = unzipLimits(config.maxArtifactSize);
  const objects = ObjectStore.open({ db: store.db, dataDir: config.dataDir, inMemory: config.inMemory, clock, log });
  engine.objects = objects;
  engine.artifacts = objects.artifacts;
  const providers = registerProviders(engine);
  const deps = { config, store, clock, log, engine, providers };
  const honoListener = getRequestListener(createApp(deps).fetch);
  const s3 = { objects, defaultRegion: config.defaultRegion, log };
  const server: Server = createServer((req, res) => {
    if (isApiRequest(req) && (req.headers['x-amz-target'] !== undefined || !isS3Request(req))) return handleApiRequest(deps, req, res);
    if (isS3Request(req)) return handleS3Request(s3, req, res);
    return honoListener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  engine.resume();
  startTriggers(engine);
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  engine.baseUrl = `http://${host}:${port}`;
  let stopped = false;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    store,
    engine,
    objects,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stopTriggers(engine);
      providers.shutdown();
      engine.shutdown();
      store.close();
    },
  };
}

export { defaultConfig, DEFAULT_PORT, type Config } from './config.js';
