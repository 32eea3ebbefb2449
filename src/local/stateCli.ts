// The CLI's state commands: snapshot FILE, restore FILE, reset. They work through a running emulator
// (its /_local routes) or, when none runs on the data folder, on the folder directly; the folder's
// lock says which, and its holder file names the running emulator's endpoint.
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { defaultConfig } from '../config.js';
import { ActionLogs } from '../logs/actionLogs.js';
import { ObjectStore } from '../services/s3/store.js';
import { DataFolderInUse, lockDataFolder } from '../store/dataLock.js';
import { Store } from '../store/index.js';
import { systemClock } from '../util/clock.js';
import { Logger } from '../util/log.js';
import { replaceState, takeSnapshot, type Manifest, type StateCounts } from './state.js';

export type StateCommand = 'snapshot' | 'restore' | 'reset';
export const STATE_COMMANDS: readonly StateCommand[] = ['snapshot', 'restore', 'reset'];

type Target = { endpoint: string } | { dataDir: string };

/** Where the command goes: the endpoint given, the emulator holding the folder, or the folder itself. */
function target(opts: { endpoint?: string; dataDir?: string }): Target {
  if (opts.endpoint) return { endpoint: opts.endpoint.replace(/\/+$/, '') };
  const config = defaultConfig(opts.dataDir ? { dataDir: path.resolve(opts.dataDir) } : {});
  if (!opts.dataDir && !process.env.CODEPIPELINE_LOCAL_DATA_DIR && !fs.existsSync(config.dataDir)) return { endpoint: `http://${config.host}:${config.port}` };
  return { dataDir: config.dataDir };
}

const describeCounts = (c: StateCounts) =>
  `${c.pipelines} pipeline${c.pipelines === 1 ? '' : 's'}, ${c.executions} execution${c.executions === 1 ? '' : 's'}, ` +
  `${c.objects} object${c.objects === 1 ? '' : 's'} (${c.bodies} bod${c.bodies === 1 ? 'y' : 'ies'}), ${c.logs} action log${c.logs === 1 ? '' : 's'}`;

/** Writes a file whole or not at all. */
function writeWhole(file: string, data: Uint8Array) {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, data);
  fs.renameSync(partial, file);
}

async function call(endpoint: string, route: string, body?: Uint8Array): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}${route}`, { method: 'POST', ...(body && { body: body as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/zip' } }) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new Error(`no codepipeline-local answers at ${endpoint} (${reason}): start one, or name another with --endpoint URL or its folder with --data-dir DIR`);
  }
  if (res.ok) return res;
  const text = await res.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // Not JSON: the text as it came.
  }
  throw new Error(`${endpoint} refused ${route}: ${message}`);
}

/** Runs a state command; answers the line to print, or throws an Error whose message is the line. */
export async function runStateCommand(command: StateCommand, file: string | undefined, opts: { endpoint?: string; dataDir?: string }): Promise<string> {
  if (command !== 'reset' && !file) throw new Error(`${command} needs a FILE: codepipeline-local ${command} FILE`);
  const archive = command === 'restore' ? readSnapshotFile(file!) : undefined;
  let where = target(opts);
  let lock;
  if ('dataDir' in where) {
    if (command === 'snapshot' && !fs.existsSync(where.dataDir)) throw new Error(`there is no data folder ${where.dataDir} to snapshot (see --data-dir, --endpoint)`);
    try {
      lock = lockDataFolder(where.dataDir);
    } catch (e) {
      if (!(e instanceof DataFolderInUse)) throw e;
      if (!e.holder?.endpoint) throw new Error(`the data folder ${where.dataDir} is in use by pid ${e.holder?.pid ?? 'unknown'}, which does not answer requests yet: try again`);
      where = { endpoint: e.holder.endpoint };
    }
  }
  if ('endpoint' in where) {
    const source = `the emulator at ${where.endpoint}`;
    if (command === 'snapshot') {
      const data = new Uint8Array(await (await call(where.endpoint, '/_local/snapshot')).arrayBuffer());
      writeWhole(file!, data);
      return `snapshot of ${source} written to ${file}: ${describeCounts(manifestOf(data).counts)}`;
    }
    const answer = (await (await call(where.endpoint, command === 'restore' ? '/_local/restore' : '/_local/reset', archive)).json()) as {
      restored?: StateCounts;
      reset?: StateCounts;
    };
    return command === 'restore' ? `${source} now holds the state of ${file}: ${describeCounts(answer.restored!)}` : `${source} was reset: it holds nothing`;
  }
  // No emulator runs on the folder: work on it directly, holding its lock.
  const dataDir = where.dataDir;
  try {
    const store = Store.open({ inMemory: false, dataDir });
    try {
      const objects = ObjectStore.open({ db: store.db, dataDir, inMemory: false, clock: systemClock, log: new Logger('warn') });
      const parts = { store, objects, logs: new ActionLogs(path.join(dataDir, 'logs'), store.db) };
      if (command === 'snapshot') {
        const { archive: data, manifest } = takeSnapshot(parts);
        writeWhole(file!, data);
        return `snapshot of ${dataDir} written to ${file}: ${describeCounts(manifest.counts)}`;
      }
      if (command === 'restore') return `${dataDir} now holds the state of ${file}: ${describeCounts(replaceState(parts, archive, file))}`;
      replaceState(parts, undefined);
      return `${dataDir} was reset: it holds nothing`;
    } finally {
      store.close();
    }
  } finally {
    lock?.release();
  }
}

function readSnapshotFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read the snapshot ${file}: ${(e as Error).message}`);
  }
}

function manifestOf(archive: Uint8Array): Manifest {
  const files = unzipSync(archive, { filter: (f) => f.name === 'manifest.json' });
  return JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as Manifest;
}
