// The SQLite store: opened once, WAL, migrations applied in order, each inside a transaction (a new
// database gets the schema they build in one step: schema.ts). Statements are prepared on first use.
// Whatever state the data folder is found in, opening it never destroys anything: a damaged or lost
// database stops the start with a message that names the files and says how to go on; an existing
// database is copied aside before a migration changes it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';
import { SCHEMA } from './schema.js';
import { migrationsDigest } from './schemaOf.js';

export type Db = Database.Database;

/**
 * The addon's file, handed to better-sqlite3 so that it does not search for it (its `bindings`
 * lookup tries path after path: ~4 ms of every start). Where the package keeps it elsewhere, it searches.
 */
const ADDON: Database.Options = (() => {
  try {
    return { nativeBinding: createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node') };
  } catch {
    return {};
  }
})();

export const DB_FILE = 'codepipeline-local.sqlite';

/** Object bodies are files named by 32 hex digits under <dataDir>/s3/blobs; action logs <uuid>.log under <dataDir>/logs. */
const BODY_NAME = /^[0-9a-f]{32}$/;
const LOG_NAME = /^[0-9a-f-]{36}\.log$/;

export function openDb(opts: { inMemory: boolean; dataDir: string }): { db: Db; location: string } {
  if (opts.inMemory) {
    const db = new Database(':memory:', ADDON);
    configure(db);
    migrate(db, ':memory:');
    return { db, location: ':memory:' };
  }
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const location = path.join(dir, DB_FILE);
  refuseLostDatabase(dir, location);
  let db: Db | undefined;
  try {
    db = new Database(location, ADDON);
    configure(db);
    // A damaged file is found now, not at the first query that touches the damaged page.
    const problems = db.pragma('quick_check') as { quick_check: string }[];
    if (problems[0]?.quick_check !== 'ok') throw Object.assign(new Error(problems.map((p) => p.quick_check).join('; ')), { code: 'SQLITE_CORRUPT' });
  } catch (e) {
    db?.close();
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) throw new Error(damagedMessage(dir, location, (e as Error).message));
    throw e;
  }
  try {
    migrate(db, location);
  } catch (e) {
    db.close();
    throw e;
  }
  return { db, location };
}

function configure(db: Db) {
  prepareOnFirstUse(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations.length;

/**
 * Checks a snapshot's database file and brings it to this schema version in place (the file is a
 * scratch copy: no backup). Throws a plain message when it is damaged or from a newer version.
 */
export function prepareSnapshotDb(file: string, what: string) {
  let db: Db | undefined;
  try {
    db = new Database(file, ADDON);
    const problems = db.pragma('quick_check') as { quick_check: string }[];
    if (problems[0]?.quick_check !== 'ok') throw new Error(problems.map((p) => p.quick_check).join('; '));
    migrate(db, what, false);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith('the database') || message.startsWith('upgrading') ? message : `the database in ${what} cannot be read (${message})`);
  } finally {
    db?.close();
  }
}

function migrate(db: Db, location: string, backUp = location !== ':memory:') {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length)
    throw new Error(
      `the database ${location} was written by a newer codepipeline-local (schema version ${current}; this one knows up to ${migrations.length}): ` +
        'start that version, or this one with another folder (--data-dir DIR)',
    );
  if (current === migrations.length) return;
  if (current === 0 && SCHEMA.version === migrations.length && SCHEMA.digest === migrationsDigest(migrations)) {
    // A new database: the schema the migrations build, in one step (conformance/schema.test.ts checks it is the same).
    try {
      db.transaction(() => {
        db.exec(SCHEMA.statements.join(';\n'));
        db.pragma(`user_version = ${migrations.length}`);
      })();
    } catch (e) {
      throw new Error(`upgrading the database ${location} to schema version ${migrations.length} failed (${(e as Error).message}); it is unchanged at version 0`);
    }
    return;
  }
  // An existing database is copied before anything changes it: a failed migration rolls back, and the copy stays.
  const backup = current > 0 && backUp ? backupBeside(db, location, `pre-v${current + 1}`) : undefined;
  for (let v = current; v < migrations.length; v++) {
    try {
      db.transaction(() => {
        db.exec(migrations[v]);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } catch (e) {
      throw new Error(
        `upgrading the database ${location} to schema version ${v + 1} failed (${(e as Error).message}); ` +
          `it is unchanged at version ${v}${backup ? `, and a copy from before the upgrade is ${backup}` : ''}`,
      );
    }
  }
}

type Statement = Database.Statement<unknown[], unknown>;

/**
 * A statement that SQLite compiles when it is first run: the stores declare some 150 statements when
 * they are built, and a start (or a short-lived emulator in a test) runs a few of them. After the first
 * use its run/get/all/iterate are the compiled statement's own, bound to it.
 */
class LazyStatement {
  private compiled: Statement | undefined;
  private readonly modes: ((s: Statement) => void)[] = [];

  constructor(
    private readonly compile: (sql: string) => Statement,
    readonly source: string,
  ) {}

  private get stmt(): Statement {
    if (this.compiled) return this.compiled;
    const s = this.compile(this.source);
    for (const mode of this.modes) mode(s);
    this.compiled = s;
    const self = this as unknown as Record<string, unknown>;
    for (const m of ['run', 'get', 'all', 'iterate'] as const) self[m] = s[m].bind(s);
    return s;
  }

  /** pluck/raw/expand/safeIntegers before the first use are applied when it is compiled; they return this, as better-sqlite3's do. */
  private mode(apply: (s: Statement) => void): this {
    if (this.compiled) apply(this.compiled);
    else this.modes.push(apply);
    return this;
  }

  pluck(...on: [] | [boolean]) {
    return this.mode((s) => s.pluck(...on));
  }
  raw(...on: [] | [boolean]) {
    return this.mode((s) => s.raw(...on));
  }
  expand(...on: [] | [boolean]) {
    return this.mode((s) => s.expand(...on));
  }
  safeIntegers(...on: [] | [boolean]) {
    return this.mode((s) => s.safeIntegers(...on));
  }
  bind(...params: unknown[]) {
    this.stmt.bind(...params);
    return this;
  }
  run(...params: unknown[]) {
    return this.stmt.run(...params);
  }
  get(...params: unknown[]) {
    return this.stmt.get(...params);
  }
  all(...params: unknown[]) {
    return this.stmt.all(...params);
  }
  iterate(...params: unknown[]) {
    return this.stmt.iterate(...params);
  }
  columns() {
    return this.stmt.columns();
  }
  get reader() {
    return this.stmt.reader;
  }
  get readonly() {
    return this.stmt.readonly;
  }
  get busy() {
    return this.stmt.busy;
  }
  get database() {
    return this.stmt.database;
  }
}

/** Makes `db.prepare` hand out statements compiled on first use (one place, for every store module). */
function prepareOnFirstUse(db: Db) {
  const compile = db.prepare.bind(db) as (sql: string) => Statement;
  Object.defineProperty(db, 'prepare', { value: (sql: string) => new LazyStatement(compile, sql), configurable: true, writable: true });
}

/** A consistent copy of the database beside it: <db>.<tag>.bak (or <db>.<tag>-2.bak... when taken). */
export function backupBeside(db: Db, location: string, tag: string): string {
  let file = `${location}.${tag}.bak`;
  for (let n = 2; fs.existsSync(file); n++) file = `${location}.${tag}-${n}.bak`;
  db.prepare('VACUUM INTO ?').run(file);
  return file;
}

function countEntries(dir: string, name: RegExp): number {
  try {
    return fs.readdirSync(dir).filter((n) => name.test(n)).length;
  } catch {
    return 0;
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** A path as a shell word. */
const sh = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

/** The lines that say what to do with a folder whose database cannot be used. */
function whatToDo(dir: string, location: string): string {
  const backups = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(`${DB_FILE}.`) && n.endsWith('.bak'))
    .map((n) => path.join(dir, n));
  let aside = `${dir}.damaged`;
  for (let n = 2; fs.existsSync(aside); n++) aside = `${dir}.damaged-${n}`;
  return [
    `  backups: ${backups.length ? backups.join(', ') : `none in ${dir}`}`,
    `  to start over, move the folder aside (nothing is deleted): mv ${sh(dir)} ${sh(aside)}`,
    `    then start again, or put a snapshot back first: codepipeline-local restore FILE --data-dir ${sh(dir)}`,
    `  to leave it as it is and work elsewhere: --data-dir OTHER_FOLDER, or --in-memory`,
  ].join('\n');
}

function damagedMessage(dir: string, location: string, reason: string): string {
  const wal = `${location}-wal`;
  const walSize = fs.existsSync(wal) ? fs.statSync(wal).size : undefined;
  return [
    `the database ${location} is damaged (${reason}); nothing in ${dir} was changed`,
    walSize === undefined
      ? `  write-ahead log: none (no ${path.basename(wal)})`
      : `  write-ahead log: ${wal} (${plural(walSize, 'byte', 'bytes')}): it holds the latest changes, keep it beside the database`,
    whatToDo(dir, location),
  ].join('\n');
}

/**
 * SQLite takes a missing or 0-byte file for a new, empty database. When the folder holds object
 * bodies or action logs, earlier work existed: starting empty would hide it (and the next writes
 * would build on nothing), so the start stops and says so.
 */
function refuseLostDatabase(dir: string, location: string) {
  let size: number | undefined;
  try {
    size = fs.statSync(location).size;
  } catch {
    size = undefined;
  }
  if (size !== undefined && size > 0) return;
  // A write-ahead log beside an empty file still holds the data: SQLite replays it.
  if (fs.existsSync(`${location}-wal`) && fs.statSync(`${location}-wal`).size > 0) return;
  const bodies = countEntries(path.join(dir, 's3', 'blobs'), BODY_NAME);
  const logs = countEntries(path.join(dir, 'logs'), LOG_NAME);
  if (bodies + logs === 0) return;
  throw new Error(
    [
      `the database ${location} is ${size === undefined ? 'missing' : 'empty (0 bytes)'}, but ${dir} holds ` +
        `${plural(bodies, 'object body', 'object bodies')} and ${plural(logs, 'action log', 'action logs')} from earlier work: ` +
        'the database was lost or replaced, and starting would show none of that work. Nothing was changed',
      whatToDo(dir, location),
    ].join('\n'),
  );
}
