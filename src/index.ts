// Programmatic API for other projects' tests: start({ port: 0, inMemory: true }) -> { endpoint, stop() }.
import fs from 'node:fs';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exposureWarnings, publicUrlOf, settingsError, type GuardPolicy } from './protocol/requestGuard.js';
import { defaultConfig, type Config } from './config.js';
import type { AppDeps } from './appDeps.js';
import { health } from './health.js';
import { BuildProjects } from './builds/projects.js';
import { Engine } from './engine/engine.js';
import { ProviderTable } from './engine/provider.js';
import { logProgress } from './engine/progressLog.js';
import { DEFAULT_RETENTION_DAYS, HistoryRetention, retentionError } from './engine/retention.js';
import { loadLocalConfig } from './localConfig.js';
import { CredentialsError, KeyRing, parseAccessKeys, readCredentialsFile } from './protocol/credentials.js';
import { ActionLogs } from './logs/actionLogs.js';
import { registerProviders } from './providers/index.js';
import { objectStoreSource } from './providers/sources/index.js';
import { parameterLookup } from './parameters/store.js';
import { ProvisionerRegistry } from './stacks/provisioners.js';
import { registerStackResources } from './stacks/resources/index.js';
import { STACK_KIND } from './stacks/documents.js';
import { Store } from './store/index.js';
import { lockDataFolder, type DataLock } from './store/dataLock.js';
import { liveParts, replaceLiveState, takeSnapshot, type StateCounts } from './local/state.js';
import { ObjectStore } from './services/s3/store.js';
import { createRouter } from './router.js';
import { ChangeDetection } from './triggers/service.js';
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
  /** Change detection (git refs, S3 uploads): `triggers.service` is the running one; stop() and start() it to test catch-up. */
  triggers: ChangeDetection;
  /** History retention: `run()` prunes now (it also runs at start and every hour). */
  retention: HistoryRetention;
  /** Empties the state (every pipeline, execution, job, object, log; running builds stopped), without a restart. */
  reset(): StateCounts;
  /** The whole state as a snapshot archive (zip), also written to `file` when given. */
  snapshot(file?: string): Uint8Array;
  /** Replaces the whole state with a snapshot's (a file path or the archive's bytes), without a restart. */
  restore(snapshot: string | Uint8Array): StateCounts;
  /** True when access keys are configured and every request must carry a valid SigV4 signature. */
  verifySignatures: boolean;
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<RunningEmulator> {
  const { clock = systemClock, ...overrides } = options;
  const config = defaultConfig(overrides);
  const invalid = settingsError(config) ?? retentionError(config.historyRetentionDays);
  if (invalid) throw new Error(invalid);
  const log = new Logger(config.logLevel);
  // One emulator per data folder: a second one would run the same work twice.
  const lock = config.inMemory ? undefined : lockDataFolder(config.dataDir);
  try {
    return await startLocked(config, clock, log, lock);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function startLocked(config: Config, clock: Clock, log: Logger, lock: DataLock | undefined): Promise<RunningEmulator> {
  const localConfig = loadLocalConfig(config.dataDir, config.configFile);
  // Access keys from --credentials, start({ credentials }) and the local configuration: any -> verified.
  const fileKeys = config.credentialsFile ? readCredentialsFile(config.credentialsFile) : [];
  if (config.credentialsFile && fileKeys.length === 0) throw new CredentialsError(`the credentials file ${config.credentialsFile} lists no access keys`);
  const keyRing = new KeyRing([...fileKeys, ...parseAccessKeys(config.credentials, 'start({ credentials })'), ...localConfig.credentials]);
  const keys = keyRing.size > 0 ? keyRing : undefined;
  config.verifySignatures = keys !== undefined;
  // Each part is built once, in dependency order, and given what it needs; nothing is assigned afterwards
  // except the two addresses known only once the server listens (ownUrl below, deps.baseUrl).
  const store = Store.open(config);
  const inMemory = store.location === ':memory:';
  const objects = ObjectStore.open({ db: store.db, dataDir: config.dataDir, inMemory: config.inMemory, clock, log });
  const logs = new ActionLogs(inMemory ? undefined : path.join(localConfig.dataDir, 'logs'), store.db);
  const sourceObjects = objectStoreSource(objects);
  const buildProjects = new BuildProjects(localConfig, store, inMemory ? undefined : path.join(localConfig.dataDir, 'builds', 'build-numbers.json'));
  // The emulator's own http://host:port, for log URLs and local Lambda handlers: read by the engine when needed.
  let ownUrl = 'http://127.0.0.1';
  // Filled by each service's resource types (src/stacks/resources/) before the first stack operation.
  const provisioners = new ProvisionerRegistry();
  // The engine and its providers need each other: the table is given to the engine, then filled once.
  const providerTable = new ProviderTable();
  const engine = new Engine({
    store,
    clock,
    log,
    localConfig,
    objects,
    artifacts: objects.artifacts,
    logs,
    unzipLimits: unzipLimits(config.maxArtifactSize),
    credentialsFor: keys && ((account) => keys.issue(account)),
    ownUrl: () => ownUrl,
    providers: providerTable,
  });
  // Stack parameters of SSM types (AWS::SSM::Parameter::Value<...>) read the SSM parameter store.
  const providers = registerProviders(engine, providerTable, { sourceObjects, buildProjects, stacks: { provisioners, parameterLookup: parameterLookup(store.parameters) } });
  const triggers = new ChangeDetection(engine, sourceObjects);
  const retention = new HistoryRetention({ store, logs, clock, log }, config.historyRetentionDays ?? localConfig.history.retentionDays ?? DEFAULT_RETENTION_DAYS);
  // baseUrl (the public URL) is known once the port is.
  const deps = { config, store, clock, log, engine, providers, triggers, keys, provisioners, baseUrl: '' };
  registerStackResources(provisioners, deps, objects);
  const honoListener = ownRoutes(deps, log);
  const s3 = { objects, defaultRegion: config.defaultRegion, log, keys };
  let guard: GuardPolicy = { corsOrigins: config.corsOrigins, allowedHosts: config.allowedHosts, listenHost: config.host, ownUrls: [] };
  const server: Server = createServer(createRouter({ services: deps, s3, routes: honoListener, guard: () => guard }));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (e) {
    providers.shutdown();
    engine.shutdown();
    store.close();
    throw e;
  }
  const stopProgressLog = log.enabled('info') ? logProgress(store, log) : () => {};
  engine.resume();
  triggers.start();
  retention.start();
  let stopped = false;
  // Stacks left mid-operation are recovered, and accepted operations run; the stack engine is loaded only when a stack exists.
  const settle = () => {
    if (store.simulated.listKind(STACK_KIND).length === 0) return;
    void Promise.all([import('./services/cloudformation/runner.js'), provisioners.ready()]).then(([m]) => m.settleStacks(deps, () => !stopped));
  };
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  ownUrl = `http://${host}:${port}`;
  deps.baseUrl = publicUrlOf(config.publicUrl, config.host, port);
  guard = { ...guard, ownUrls: [ownUrl, deps.baseUrl] };
  for (const warning of exposureWarnings(config)) log.warn(warning);
  lock?.setEndpoint(ownUrl);
  // Once the public URL is known (resources a recovered stack creates may hand it out).
  settle();
  return {
    endpoint: `http://${host}:${port}`,
    port,
    store,
    engine,
    objects,
    triggers,
    retention,
    reset: () => replaceLiveState(engine, triggers, settle, undefined),
    snapshot: (file?: string) => {
      const { archive } = takeSnapshot(liveParts(engine));
      if (file) fs.writeFileSync(file, archive);
      return archive;
    },
    restore: (snapshot: string | Uint8Array) => replaceLiveState(engine, triggers, settle, typeof snapshot === 'string' ? fs.readFileSync(snapshot) : snapshot, typeof snapshot === 'string' ? snapshot : undefined),
    verifySignatures: config.verifySignatures,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stopProgressLog();
      retention.stop();
      triggers.stop();
      providers.shutdown();
      engine.shutdown();
      logs.close();
      store.close();
      lock?.release();
    },
  };
}

/**
 * The emulator's own routes (the Hono app of server.ts: console, events, logs, /_local, webhooks), built on
 * their first request: an API client never pays for loading them. /_health is answered without them.
 */
function ownRoutes(deps: AppDeps, log: Logger) {
  const startedAt = Date.now();
  let listener: Promise<(req: IncomingMessage, res: ServerResponse) => unknown> | undefined;
  const load = () =>
    (listener ??= Promise.all([import('@hono/node-server'), import('./server.js')]).then(([{ getRequestListener }, { createApp }]) =>
      getRequestListener(createApp(deps, startedAt).fetch),
    ));
  return (req: IncomingMessage, res: ServerResponse) => {
    // The readiness probe does not wait for (nor load) the routes.
    if ((req.method === 'GET' || req.method === 'HEAD') && (req.url === '/_health' || req.url?.startsWith('/_health?'))) {
      const body = JSON.stringify(health(deps.store, startedAt));
      res.writeHead(200, { 'content-type': 'application/json', ...(req.method === 'GET' && { 'content-length': Buffer.byteLength(body) }) });
      res.end(req.method === 'GET' ? body : undefined);
      return;
    }
    void load().then(
      (l) => l(req, res),
      (e) => {
        log.error('loading the emulator routes failed', e);
        res.destroy();
      },
    );
  };
}

export { defaultConfig, DEFAULT_PORT, type Config } from './config.js';
export type { StateCounts } from './local/state.js';
export type { AccessKey } from './protocol/credentials.js';
