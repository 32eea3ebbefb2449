// The emulator's whole state as one file, and putting a state back: snapshot, restore, reset.
//
// A snapshot is a zip archive:
//   manifest.json               {format, formatVersion, schemaVersion, created, counts}
//   codepipeline-local.sqlite   the database (a consistent image of it)
//   s3/blobs/<id>               every object body in a file that a row of that database names (small
//                               bodies are rows of the database itself, table s3_bodies)
//   logs/<actionExecutionId>.log  the action logs
// It is taken in one synchronous step: the database image, then the bodies and logs it names, with no
// other work in between (bodies are immutable once written, and nothing else runs in the same tick),
// so it is consistent while the emulator runs.
//
// Restoring replaces the state in place (the same database connection, the same HTTP server): the
// engine's in-process work is ended, every table's rows are replaced in one transaction, the bodies
// the snapshot brings are written first, and the bodies only the old rows named are deleted after the
// commit (their rows went in the same operation). A reset is a restore of the empty state.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Zippable } from 'fflate';
import type { Store } from '../store/index.js';
import { DB_FILE, prepareSnapshotDb, SCHEMA_VERSION } from '../store/db.js';
import { FILE_BODIES_SQL, type ObjectStore } from '../services/s3/store.js';
import { BLOB_ID } from '../services/s3/blobs.js';
import { LOG_ID, type ActionLogs } from '../logs/actionLogs.js';
import type { Engine } from '../engine/engine.js';
import type { ChangeDetection } from '../triggers/service.js';
import { lazyRequire } from '../util/lazyRequire.js';

// Only snapshots and restores need it: loaded then, out of start-up.
const fflate = lazyRequire<typeof import('fflate')>('fflate');

export const SNAPSHOT_FORMAT = 'codepipeline-local-snapshot';
const FORMAT_VERSION = 1;

export interface StateCounts {
  pipelines: number;
  executions: number;
  objects: number;
  bodies: number;
  logs: number;
}

export interface Manifest {
  format: string;
  formatVersion: number;
  schemaVersion: number;
  created: string;
  counts: StateCounts;
}

/** What a snapshot or restore works on: the database, the object store, the action logs. */
export interface StateParts {
  store: Store;
  objects: ObjectStore;
  logs: ActionLogs;
}

/** A snapshot that cannot be used (not ours, damaged, from a newer version). */
export class BadSnapshot extends Error {}

function counts(store: Store, bodies: number, logs: number): StateCounts {
  const n = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  return {
    pipelines: n('SELECT COUNT(*) AS n FROM pipelines'),
    executions: n('SELECT COUNT(*) AS n FROM executions'),
    objects: n('SELECT COUNT(*) AS n FROM s3_latest WHERE live = 1'),
    bodies,
    logs,
  };
}

/** The whole state as a zip archive (synchronous: see the header). */
export function takeSnapshot(parts: StateParts, now = new Date()): { archive: Uint8Array; manifest: Manifest } {
  const image = parts.store.db.serialize();
  const bodies = [...parts.objects.knownBlobs()];
  const logs = parts.logs.all();
  const manifest: Manifest = {
    format: SNAPSHOT_FORMAT,
    formatVersion: FORMAT_VERSION,
    schemaVersion: SCHEMA_VERSION,
    created: now.toISOString(),
    counts: counts(parts.store, bodies.length + parts.objects.inlineBodyCount(), logs.length),
  };
  const files: Zippable = {
    'manifest.json': fflate().strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
    [DB_FILE]: [image, { level: 1 }],
  };
  // Bodies are stored as they are (artifacts are zips already); logs compress well.
  for (const id of bodies) files[`s3/blobs/${id}`] = [parts.objects.blobs.readSync(id), { level: 0 }];
  for (const [id, body] of logs) files[`logs/${id}.log`] = [body, { level: 6 }];
  return { archive: fflate().zipSync(files), manifest };
}

interface Unpacked {
  manifest: Manifest;
  dbFile: string;
  bodies: Map<string, Uint8Array>;
  logs: [string, Uint8Array][];
  cleanup(): void;
}

/** Reads and checks an archive, and brings its database to this schema version (in a scratch file). */
function unpack(archive: Uint8Array, what: string): Unpacked {
  let files: Record<string, Uint8Array>;
  try {
    files = fflate().unzipSync(archive);
  } catch (e) {
    throw new BadSnapshot(`${what} is not a codepipeline-local snapshot (not a zip archive: ${(e as Error).message})`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8'));
  } catch {
    manifest = undefined as unknown as Manifest;
  }
  if (manifest?.format !== SNAPSHOT_FORMAT || !files[DB_FILE])
    throw new BadSnapshot(`${what} is not a codepipeline-local snapshot (no manifest.json naming the format ${SNAPSHOT_FORMAT}, or no database)`);
  if (manifest.formatVersion > FORMAT_VERSION || manifest.schemaVersion > SCHEMA_VERSION)
    throw new BadSnapshot(
      `${what} was taken by a newer codepipeline-local (snapshot format ${manifest.formatVersion}, schema version ${manifest.schemaVersion}; ` +
        `this one knows format ${FORMAT_VERSION}, schema version ${SCHEMA_VERSION})`,
    );
  const bodies = new Map<string, Uint8Array>();
  const logs: [string, Uint8Array][] = [];
  for (const [name, data] of Object.entries(files)) {
    const body = /^s3\/blobs\/(.+)$/.exec(name)?.[1];
    if (body !== undefined && BLOB_ID.test(body)) bodies.set(body, data);
    const log = /^logs\/(.+)\.log$/.exec(name)?.[1];
    if (log !== undefined && LOG_ID.test(log)) logs.push([log, data]);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-restore-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const dbFile = path.join(dir, DB_FILE);
  try {
    fs.writeFileSync(dbFile, files[DB_FILE]);
    prepareSnapshotDb(dbFile, what);
    const named = namedBodies(dbFile);
    const missing = named.filter((id) => !bodies.has(id));
    if (missing.length) throw new BadSnapshot(`${what} is incomplete: its database names ${missing.length} object bod${missing.length === 1 ? 'y' : 'ies'} it does not hold (s3/blobs/${missing[0]}...)`);
  } catch (e) {
    cleanup();
    throw e instanceof Error && !(e instanceof BadSnapshot) ? new BadSnapshot(e.message) : e;
  }
  return { manifest, dbFile, bodies, logs, cleanup };
}

/** The bodies in files a database file's rows name (brought to this schema version). */
function namedBodies(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return [...new Set(db.prepare(FILE_BODIES_SQL).pluck().all() as string[])];
  } finally {
    db.close();
  }
}

/** The tables whose rows make the state: every table of the schema (SQLite's AUTOINCREMENT counters are handled apart). */
function tables(store: Store, schema = 'main'): string[] {
  return (store.db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map(
    (r) => r.name,
  );
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Replaces the whole state with an archive's, or with the empty state (archive undefined). `quiesce`
 * runs once the archive is known to be usable, before anything changes. An archive that cannot be
 * used throws BadSnapshot before anything changed.
 */
export function replaceState(parts: StateParts, archive: Uint8Array | undefined, what = 'the snapshot', quiesce?: () => void): StateCounts {
  const { store, objects } = parts;
  const unpacked = archive ? unpack(archive, what) : undefined;
  try {
    quiesce?.();
    const before = objects.knownBlobs();
    // The incoming bodies are written before the rows that name them commit.
    if (unpacked) for (const [id, body] of unpacked.bodies) if (!before.has(id)) objects.blobs.putSync(id, body);
    const db = store.db;
    if (unpacked) db.prepare('ATTACH DATABASE ? AS snapshot').run(unpacked.dbFile);
    try {
      const incoming = unpacked ? new Set(tables(store, 'snapshot')) : new Set<string>();
      store.tx(() => {
        db.pragma('defer_foreign_keys = ON');
        // Every table emptied before any is filled: a cascading delete must not take rows just copied.
        for (const t of tables(store)) db.exec(`DELETE FROM main.${quote(t)}`);
        for (const t of tables(store)) {
          if (!incoming.has(t)) continue;
          const cols = (db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).all(t) as { name: string }[]).map((c) => quote(c.name)).join(', ');
          db.exec(`INSERT INTO main.${quote(t)} (${cols}) SELECT ${cols} FROM snapshot.${quote(t)}`);
        }
        const hasSeq = (schema: string) => db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
        if (hasSeq('main')) {
          db.exec('DELETE FROM main.sqlite_sequence');
          if (unpacked && hasSeq('snapshot')) db.exec('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snapshot.sqlite_sequence');
        }
      });
    } finally {
      if (unpacked) db.exec('DETACH DATABASE snapshot');
    }
    const after = objects.knownBlobs();
    // Bodies whose rows this replacement deleted; bodies no row ever named stay (see blobs.ts).
    objects.blobs.remove([...before].filter((id) => !after.has(id)));
    parts.logs.replaceAll(unpacked?.logs ?? []);
    return counts(store, after.size + objects.inlineBodyCount(), unpacked?.logs.length ?? 0);
  } finally {
    unpacked?.cleanup();
  }
}

/** The live emulator's parts. */
export function liveParts(engine: Engine): StateParts {
  return { store: engine.store, objects: engine.objects, logs: engine.logs };
}

/**
 * Replaces a running emulator's state (reset: archive undefined): in-flight work ends, change
 * detection stops, the rows, bodies and logs are replaced, then the engine resumes from the new
 * state as it does at start-up, and change detection starts again. The HTTP server keeps running.
 */
export function replaceLiveState(engine: Engine, triggers: ChangeDetection, settleStacks: () => void, archive: Uint8Array | undefined, what?: string): StateCounts {
  let paused = false;
  try {
    return replaceState(liveParts(engine), archive, what, () => {
      paused = true;
      triggers.stop();
      engine.pauseForReplace();
      engine.store.replacing('before');
    });
  } finally {
    if (paused) {
      engine.store.replacing('after');
      engine.resumeAfterReplace();
      // Stack operations the new state holds cut short or not run yet (as at start).
      settleStacks();
      triggers.start();
    }
  }
}
