#!/usr/bin/env node
// CLI entry: flags/env -> config, open the store, start the server, shut down gracefully.
import { parseArgs } from 'node:util';
import { start } from './index.js';
import { commaList, DEFAULT_PORT } from './config.js';
import { settingsError } from './protocol/requestGuard.js';
import { VERSION } from './version.js';
import type { StateCommand } from './local/stateCli.js';

const USAGE = `codepipeline-local ${VERSION}: a local AWS CodePipeline emulator

Usage: codepipeline-local [options]
  --port N          port to listen on (default ${DEFAULT_PORT}; env CODEPIPELINE_LOCAL_PORT; 0 = any free port)
  --host ADDR       address to bind (default 127.0.0.1; env CODEPIPELINE_LOCAL_HOST)
  --data-dir DIR    folder for the SQLite store (default ./data; env CODEPIPELINE_LOCAL_DATA_DIR)
  --in-memory       keep state in memory only (env CODEPIPELINE_LOCAL_IN_MEMORY=1)
  --log-level L     debug | info | warn | error | silent (default info)
  --config FILE     local configuration: repositories, CodeBuild projects, Lambda handlers...
                    (env CODEPIPELINE_LOCAL_CONFIG; default ./codepipeline-local.yml when present)
  --cors-origins L  web page origins allowed besides local ones (localhost, 127.0.0.1, [::1], *.localhost),
                    comma-separated, e.g. http://dev.example:3000; '*' allows every page (unsafe)
                    (env CODEPIPELINE_LOCAL_CORS_ORIGINS)
  --allowed-hosts L host names clients may address it by besides loopback ones and --host, comma-separated,
                    e.g. codepipeline (a Docker service); '*' allows any (env CODEPIPELINE_LOCAL_ALLOWED_HOSTS)
  --public-url URL  the URL clients reach it at, for the webhook and log URLs it hands out
                    (default: where it listens; env CODEPIPELINE_LOCAL_PUBLIC_URL)
  --credentials FILE  access keys (YAML/JSON list, or an AWS credentials INI file): every request
                    must then carry a valid SigV4 signature (env CODEPIPELINE_LOCAL_CREDENTIALS)
  --max-artifact-size SIZE  most an input artifact may unpack to, e.g. 8GiB, 500MiB or bytes
                    (default 4GiB; one file at most 2GiB)
  --history-retention-days N  days of execution history kept, as AWS keeps 12 months (default 365;
                    0 keeps it forever; env CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS)
  --help, --version

Commands on the whole state (pipelines, executions, jobs, objects, logs):
  codepipeline-local snapshot FILE   write a snapshot (a zip archive) of the state to FILE
  codepipeline-local restore FILE    replace the state with the snapshot's
  codepipeline-local reset           empty the state
    --data-dir DIR   the data folder: through the emulator running on it, else on the folder directly
    --endpoint URL   a running emulator (default http://127.0.0.1:${DEFAULT_PORT} when there is no ./data)

Follow a pipeline in the terminal (the web console's view, live), against a running emulator:
  codepipeline-local watch [PIPELINE] [--execution-id ID] [--endpoint URL] [--region R]
                    follows the execution (default: the latest) until it ends; exit code 0 when it
                    Succeeded, 1 otherwise. --endpoint defaults to AWS_ENDPOINT_URL, else
                    http://127.0.0.1:${DEFAULT_PORT}; the account is AWS_ACCESS_KEY_ID when 12 digits; with
                    AWS_SECRET_ACCESS_KEY too, requests are signed (for --credentials)

With --credentials:
  codepipeline-local presign URL [--expires-in SECONDS]
                    prints URL (a /_logs, /_events or /_local link) presigned with AWS_ACCESS_KEY_ID,
                    AWS_SECRET_ACCESS_KEY and AWS_REGION, for a browser when signatures are verified
`;

/** A mistake on the command line: one line naming it, then the usage, exit code 2. */
function usageError(message: string): never {
  process.stderr.write(`codepipeline-local: ${message}\n\n${USAGE}`);
  process.exit(2);
}

if (process.argv[2] === 'presign') {
  const { presignCommand } = await import('./presignCommand.js');
  const outcome = presignCommand(process.argv.slice(3), process.env);
  if ('error' in outcome) usageError(outcome.error);
  process.stdout.write(`${outcome.url}\n`);
  process.exit(0);
}

let values: Record<string, string | boolean | undefined>;
let positionals: string[];
try {
  ({ values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'log-level': { type: 'string' },
      config: { type: 'string' },
      'cors-origins': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'public-url': { type: 'string' },
      endpoint: { type: 'string' },
      'execution-id': { type: 'string' },
      region: { type: 'string' },
      credentials: { type: 'string' },
      'max-artifact-size': { type: 'string' },
      'history-retention-days': { type: 'string' },
      help: { type: 'boolean' },
      version: { type: 'boolean' },
    },
  }));
} catch (e) {
  // parseArgs' own wording ("Unknown option '--prot'. To specify a positional argument...") trimmed to its first sentence.
  usageError((e as Error).message.split(/\.\s/)[0].replace(/\.$/, ''));
}

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}

const flag = (name: string) => values[name] as string | undefined;

if (positionals[0] === 'watch') {
  if (positionals.length > 2) usageError(`unexpected argument '${positionals[2]}'`);
  const { watch, WatchError } = await import('./console/watch.js');
  try {
    process.exit(await watch({ pipeline: positionals[1], executionId: flag('execution-id'), endpoint: flag('endpoint'), region: flag('region'), env: process.env, out: process.stdout }));
  } catch (e) {
    if (!(e instanceof WatchError)) throw e;
    process.stderr.write(`codepipeline-local watch: ${e.message}\n`);
    process.exit(2);
  }
}
if (flag('execution-id') !== undefined || flag('region') !== undefined) usageError('--execution-id and --region go with the watch command');
if (positionals.length) {
  // Loaded for a command only (it brings the zip library): a server start does without it.
  const { runStateCommand, STATE_COMMANDS } = await import('./local/stateCli.js');
  const [command, file, ...extra] = positionals;
  if (!STATE_COMMANDS.includes(command as StateCommand)) usageError(`unknown command '${command}' (commands: ${[...STATE_COMMANDS, 'watch'].join(', ')})`);
  if (command !== 'reset' && file === undefined) usageError(`${command} needs a FILE`);
  if (command === 'reset' ? file !== undefined : extra.length) usageError(`unexpected argument '${command === 'reset' ? file : extra[0]}'`);
  try {
    process.stderr.write(`codepipeline-local: ${await runStateCommand(command as StateCommand, file, { endpoint: flag('endpoint'), dataDir: flag('data-dir') })}\n`);
    process.exit(0);
  } catch (e) {
    process.stderr.write(`codepipeline-local: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
if (flag('endpoint') !== undefined) usageError('--endpoint goes with a command (snapshot, restore, reset, watch)');
const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const logLevel = flag('log-level');
if (logLevel !== undefined && !levels.includes(logLevel as (typeof levels)[number])) usageError(`invalid --log-level ${logLevel} (one of ${levels.join(', ')})`);
const guardSettings = {
  ...(flag('cors-origins') !== undefined && { corsOrigins: commaList(flag('cors-origins')) }),
  ...(flag('allowed-hosts') !== undefined && { allowedHosts: commaList(flag('allowed-hosts')) }),
  ...(flag('public-url') !== undefined && { publicUrl: flag('public-url') }),
};
const invalidGuard = settingsError({ corsOrigins: [], allowedHosts: [], ...guardSettings });
if (invalidGuard) usageError(invalidGuard);
const port = flag('port') === undefined ? undefined : Number(flag('port'));
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) usageError(`invalid --port ${flag('port')} (a number from 0 to 65535)`);

const sizeFlag = flag('max-artifact-size');
const sizeMatch = sizeFlag === undefined ? undefined : /^(\d+)(KiB|MiB|GiB)?$/.exec(sizeFlag);
if (sizeFlag !== undefined && (!sizeMatch || Number(sizeMatch[1]) === 0)) usageError(`invalid --max-artifact-size ${sizeFlag} (a number of bytes, or of KiB, MiB or GiB, e.g. 8GiB)`);
const UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const maxArtifactSize = sizeMatch ? Number(sizeMatch[1]) * UNITS[sizeMatch[2] ?? ''] : undefined;

const retentionFlag = flag('history-retention-days');
const historyRetentionDays = retentionFlag === undefined ? undefined : /^\d+(\.\d+)?$/.test(retentionFlag) ? Number(retentionFlag) : NaN;
if (Number.isNaN(historyRetentionDays)) usageError(`invalid --history-retention-days ${retentionFlag} (a number of days, 0 to keep history forever)`);

let emulator: Awaited<ReturnType<typeof start>>;
try {
  emulator = await start({
    ...(port !== undefined && { port }),
    ...(flag('host') && { host: flag('host') }),
    ...(flag('data-dir') && { dataDir: flag('data-dir') }),
    ...(values['in-memory'] && { inMemory: true }),
    ...(logLevel && { logLevel: logLevel as (typeof levels)[number] }),
    ...(flag('config') && { configFile: flag('config') }),
    ...guardSettings,
    ...(flag('credentials') && { credentialsFile: flag('credentials') }),
    ...(maxArtifactSize !== undefined && { maxArtifactSize }),
    ...(historyRetentionDays !== undefined && { historyRetentionDays }),
  });
} catch (e) {
  // A bad configuration or a port in use: say so plainly instead of a stack trace.
  const error = e as NodeJS.ErrnoException;
  const message =
    error.code === 'EADDRINUSE'
      ? `port ${port ?? DEFAULT_PORT} is already in use (another codepipeline-local?): pick another with --port N, or --port 0 for any free port`
      : error.code === 'EADDRNOTAVAIL'
        ? `cannot listen on ${flag('host')}: not an address of this machine (see --host)`
        : error.message;
  process.stderr.write(`codepipeline-local: ${message}\n`);
  process.exit(2);
}

// What to do next, on the first screen: where it listens, how to point the AWS tools at it, where the data is.
process.stderr.write(
  [
    `codepipeline-local ${VERSION} listening on ${emulator.endpoint}`,
    `  use it:  export AWS_ENDPOINT_URL=${emulator.endpoint}`,
    `  console: ${emulator.endpoint}/_console/`,
    `  data:    ${emulator.store.location === ':memory:' ? 'in memory only (--in-memory): nothing is kept after it stops' : emulator.store.location}`,
    ...(emulator.verifySignatures ? ['  auth:    every request must carry a valid SigV4 signature made with a configured access key'] : []),
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    emulator.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
