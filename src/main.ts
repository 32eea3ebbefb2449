#!/usr/bin/env node
// CLI entry: flags/env -> config, open the store, start the server, shut down gracefully.
import { parseArgs } from 'node:util';
import { start } from './index.js';
import { DEFAULT_PORT } from './config.js';
import { VERSION } from './version.js';

const USAGE = `codepipeline-local ${VERSION}: a local AWS CodePipeline emulator

Usage: codepipeline-local [options]
  --port N          port to listen on (default ${DEFAULT_PORT}; env CODEPIPELINE_LOCAL_PORT; 0 = any free port)
  --host ADDR       address to bind (default 127.0.0.1; env CODEPIPELINE_LOCAL_HOST)
  --data-dir DIR    folder for the SQLite store (default ./data; env CODEPIPELINE_LOCAL_DATA_DIR)
  --in-memory       keep state in memory only (env CODEPIPELINE_LOCAL_IN_MEMORY=1)
  --log-level L     debug | info | warn | error | silent (default info)
  --config FILE     local configuration: repositories, CodeBuild projects, Lambda handlers...
                    (env CODEPIPELINE_LOCAL_CONFIG; default ./codepipeline-local.yml when present)
  --help, --version
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'in-memory': { type: 'boolean' },
    'log-level': { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean' },
    version: { type: 'boolean' },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}

const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const logLevel = values['log-level'];
if (logLevel !== undefined && !levels.includes(logLevel as (typeof levels)[number])) {
  process.stderr.write(`invalid --log-level ${logLevel}\n${USAGE}`);
  process.exit(2);
}
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

let emulator: Awaited<ReturnType<typeof start>>;
try {
  emulator = await start({
    ...(port !== undefined && { port }),
    ...(values.host && { host: values.host }),
    ...(values['data-dir'] && { dataDir: values['data-dir'] }),
    ...(values['in-memory'] && { inMemory: true }),
    ...(logLevel && { logLevel: logLevel as (typeof levels)[number] }),
    ...(values.config && { configFile: values.config }),
  });
} catch (e) {
  // A bad configuration or a port in use: say so plainly instead of a stack trace.
  process.stderr.write(`codepipeline-local: ${(e as Error).message}\n`);
  process.exit(2);
}
process.stderr.write(`codepipeline-local ${VERSION} listening on ${emulator.endpoint} (store: ${emulator.store.location})\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    emulator.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
