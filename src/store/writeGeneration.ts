// The database's write generation, kept in memory: a number that moves whenever a statement that can
// change a row runs on the connection, so that read caches (protocol/readCache.ts) know when an answer
// may be stale without asking SQLite (a `SELECT total_changes()` per cached read was a few percent of
// each one). Complete by construction: every statement a store module makes comes from db.prepare, and
// every script from db.exec, both wrapped here on the connection itself before any store module is
// built; a statement counts when SQLite says it is not read-only (sqlite3_stmt_readonly: INSERT, UPDATE,
// DELETE, REPLACE, DDL, with or without RETURNING, whichever of run/get/all/iterate runs it). The count
// moves before the statement runs, so it moves even when the statement fails or its transaction rolls
// back: an answer is then dropped that could have stayed, never kept when it should go.
// better-sqlite3's other Database methods change no row (pragma, transaction's own BEGIN/COMMIT,
// backup, serialize, function, ...): conformance/readCacheInvalidation.test.ts lists them, so that a new
// one is looked at before it is used.
import type Database from 'better-sqlite3';
import type { Db } from './db.js';

type Statement = Database.Statement<unknown[], unknown>;

/** The counter a connection's writes move. */
export interface WriteCount {
  value: number;
}

/** A statement whose runs move the count when it writes (known once SQLite has compiled it, at its first run). */
class CountedStatement {
  #writes: boolean | undefined;

  constructor(
    private readonly inner: Statement,
    private readonly count: WriteCount,
  ) {}

  private note() {
    if ((this.#writes ??= !this.inner.readonly)) this.count.value++;
  }

  run(...params: unknown[]) {
    this.note();
    return this.inner.run(...params);
  }
  get(...params: unknown[]) {
    this.note();
    return this.inner.get(...params);
  }
  all(...params: unknown[]) {
    this.note();
    return this.inner.all(...params);
  }
  iterate(...params: unknown[]) {
    this.note();
    return this.inner.iterate(...params);
  }
  pluck(...on: [] | [boolean]) {
    this.inner.pluck(...on);
    return this;
  }
  raw(...on: [] | [boolean]) {
    this.inner.raw(...on);
    return this;
  }
  expand(...on: [] | [boolean]) {
    this.inner.expand(...on);
    return this;
  }
  safeIntegers(...on: [] | [boolean]) {
    this.inner.safeIntegers(...on);
    return this;
  }
  bind(...params: unknown[]) {
    this.inner.bind(...params);
    return this;
  }
  columns() {
    return this.inner.columns();
  }
  get source() {
    return this.inner.source;
  }
  get reader() {
    return this.inner.reader;
  }
  get readonly() {
    return this.inner.readonly;
  }
  get busy() {
    return this.inner.busy;
  }
  get database() {
    return this.inner.database;
  }
}

/** One count per connection: a second Store on the same connection shares it (wrapping twice would leave the statements prepared before the second wrap unseen by its count). */
const counts = new WeakMap<Db, WriteCount>();

/** Wraps the connection's prepare and exec so that every write moves the returned count. */
export function countWrites(db: Db): WriteCount {
  const known = counts.get(db);
  if (known) return known;
  const count: WriteCount = { value: 0 };
  counts.set(db, count);
  const prepare = db.prepare.bind(db) as (sql: string) => Statement;
  const exec = db.exec.bind(db);
  Object.defineProperty(db, 'prepare', { value: (sql: string) => new CountedStatement(prepare(sql), count), configurable: true, writable: true });
  Object.defineProperty(db, 'exec', {
    value: (sql: string) => {
      count.value++;
      return exec(sql);
    },
    configurable: true,
    writable: true,
  });
  return count;
}
