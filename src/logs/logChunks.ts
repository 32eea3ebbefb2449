// Short action logs in the database: the pieces of a log in the order written (rowid order), until
// the log outgrows SMALL_LOG_BYTES and ActionLogs moves it to its file. Making a file per action
// costs more than a short action's whole work on some file systems (about 1 ms of kernel time per
// new file on the benchmark machine's ext4), and most actions (sources, approvals, deploys) write a
// few lines.
import type { Db } from '../store/db.js';

/** Logs up to this size stay in the database; a longer one goes to <dataDir>/logs/<id>.log. */
export const SMALL_LOG_BYTES = 16 * 1024;

/**
 * How long pieces written outside a transaction may wait for one to join: the action's outcome
 * (ActionLogs.settle), any line written inside a transaction, or a read. An in-process action
 * usually ends within this time, so its lines commit with its outcome instead of in commits of
 * their own (a CloudFormation update wrote its log in 3 or 4 commits). Readers never wait: every
 * read writes what is pending first. A SIGKILL loses at most this long of unfinished actions' lines
 * (an outcome is never committed without its lines; an in-process action cut short is failed as
 * interrupted at the next start).
 */
export const HOLD_MS = 100;
/** Pending bytes past which they are written at once. */
const HOLD_BYTES = 64 * 1024;

export class LogChunks {
  private readonly s;
  /** Pieces written outside a transaction, inserted together later (one commit, not one each; see HOLD_MS). */
  private pending: [string, Buffer][] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly insertAll;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare<[string, Buffer]>('INSERT INTO action_log_chunks (id, body) VALUES (?, ?)'),
      size: db.prepare<[string], number | null>('SELECT SUM(length(body)) FROM action_log_chunks WHERE id = ?').pluck(),
      bodies: db.prepare<[string], Buffer>('SELECT body FROM action_log_chunks WHERE id = ? ORDER BY rowid').pluck(),
      remove: db.prepare<[string]>('DELETE FROM action_log_chunks WHERE id = ?'),
      between: db.prepare<[number, number], { rowid: number; id: string; n: number }>(
        'SELECT rowid, id, length(body) AS n FROM action_log_chunks WHERE rowid BETWEEN ? AND ?',
      ),
      all: db.prepare<[], { id: string; body: Buffer }>('SELECT id, body FROM action_log_chunks ORDER BY id, rowid'),
      clear: db.prepare('DELETE FROM action_log_chunks'),
    };
    this.insertAll = db.transaction((pieces: [string, Buffer][]) => {
      for (const [id, body] of pieces) this.s.insert.run(id, body);
    });
  }

  /** Writes what is pending now (every read does this first; so does ActionLogs.close()). */
  flush() {
    if (!this.pending.length || !this.db.open) return;
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.db.inTransaction) return void this.insertAll(pieces);
    // Inside a caller's transaction: if it rolls back, lines written before it must not go with it.
    for (const [id, body] of pieces) this.joined.push({ rowid: Number(this.s.insert.run(id, body).lastInsertRowid), id, body });
    if (this.joined.length === pieces.length) queueMicrotask(() => this.checkJoined());
  }

  /**
   * Pending pieces written into a caller's transaction, checked once it has ended (transactions are
   * synchronous: by the next microtask it committed or rolled back): those it took back are pending again.
   */
  private joined: { rowid: number; id: string; body: Buffer }[] = [];

  private checkJoined() {
    const joined = this.joined;
    this.joined = [];
    if (!joined.length || !this.db.open) return;
    const rowids = joined.map((p) => p.rowid);
    const rows = new Map(this.s.between.all(Math.min(...rowids), Math.max(...rowids)).map((r) => [r.rowid, r]));
    const lost = joined.filter((p) => rows.get(p.rowid)?.id !== p.id || rows.get(p.rowid)?.n !== p.body.length);
    if (!lost.length) return;
    this.pending.unshift(...lost.map((p): [string, Buffer] => [p.id, p.body]));
    this.pendingBytes += lost.reduce((n, p) => n + p.body.length, 0);
    this.flushIn(0);
  }

  /** Writes what is pending in `ms` (unless a flush comes first). */
  private flushIn(ms: number) {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      try {
        this.flush();
      } catch {
        // The store closed meanwhile: these lines are lost, never the process.
      }
    }, ms);
    this.flushTimer.unref();
  }

  /** False once the store is closed (a build still printing after stop). */
  get usable(): boolean {
    return this.db.open;
  }

  /** Inside a transaction the piece (and what is pending) joins it; otherwise it waits, at most HOLD_MS. */
  append(id: string, body: Buffer) {
    if (this.db.inTransaction) {
      this.flush();
      this.s.insert.run(id, body);
      return;
    }
    this.pending.push([id, body]);
    this.pendingBytes += body.length;
    if (this.pendingBytes > HOLD_BYTES) return this.flush();
    this.flushIn(HOLD_MS);
  }

  /** Bytes held for the log (0: none). */
  size(id: string): number {
    let pending = 0;
    for (const [other, body] of this.pending) if (other === id) pending += body.length;
    return (this.s.size.get(id) ?? 0) + pending;
  }

  /** The whole log, or undefined when none is held. */
  read(id: string): Buffer | undefined {
    this.flush();
    const parts = this.s.bodies.all(id);
    return parts.length ? Buffer.concat(parts) : undefined;
  }

  remove(id: string) {
    this.removeMany([id]);
  }

  /**
   * Deletes the logs of many action executions in one commit (pruned history), or inside the caller's
   * transaction, the one that deletes those action executions (a deleted pipeline).
   */
  removeMany(ids: string[]) {
    this.flush();
    if (this.db.inTransaction) for (const id of ids) this.s.remove.run(id);
    else
      this.db.transaction(() => {
        for (const id of ids) this.s.remove.run(id);
      })();
  }

  all(): Map<string, Buffer> {
    this.flush();
    const out = new Map<string, Buffer[]>();
    for (const r of this.s.all.iterate()) {
      const list = out.get(r.id);
      if (list) list.push(r.body);
      else out.set(r.id, [r.body]);
    }
    return new Map([...out].map(([id, parts]) => [id, Buffer.concat(parts)]));
  }

  clear() {
    this.pending = [];
    this.pendingBytes = 0;
    this.joined = [];
    this.s.clear.run();
  }
}
