// Durable timers (approval and job timeouts): due times survive restarts.
import type { Db } from './db.js';

export interface TimerRow {
  id: number;
  dueAt: number;
  kind: string;
  ref: string;
}

/** nextDue() must ask SQLite again. */
const UNKNOWN = Symbol('unknown');

export class TimerStore {
  private readonly s;
  /**
   * The earliest due time, kept between writes: the scheduler asks after every flush (12 times per
   * 5-stage execution) and only a write to this table can change it. Every statement that writes the
   * table is in this class and forgets the value before it runs; a value read inside a transaction is
   * not kept (the transaction may still roll back a write it saw). Store.replacing forgets it too.
   */
  private next: number | undefined | typeof UNKNOWN = UNKNOWN;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO timers (due_at, kind, ref) VALUES (?, ?, ?)'),
      due: db.prepare<[number], TimerRow>('SELECT id, due_at AS dueAt, kind, ref FROM timers WHERE due_at <= ? ORDER BY due_at, id'),
      next: db.prepare<[], { dueAt: number }>('SELECT MIN(due_at) AS dueAt FROM timers'),
      delete: db.prepare('DELETE FROM timers WHERE id = ?'),
      deleteRef: db.prepare('DELETE FROM timers WHERE ref = ?'),
    };
  }
  add(dueAt: number, kind: string, ref: string) {
    this.next = UNKNOWN;
    this.s.insert.run(dueAt, kind, ref);
  }
  due(now: number): TimerRow[] {
    return this.s.due.all(now);
  }
  nextDue(): number | undefined {
    if (this.next !== UNKNOWN) return this.next;
    const next = this.s.next.get()?.dueAt ?? undefined;
    if (!this.db.inTransaction) this.next = next;
    return next;
  }
  delete(id: number) {
    this.next = UNKNOWN;
    this.s.delete.run(id);
  }
  cancel(ref: string) {
    // Most actions end with no timer to cancel: that changes nothing, the kept value stays.
    if (this.s.deleteRef.run(ref).changes > 0) this.next = UNKNOWN;
  }
  /** The rows may have changed behind this class (reset, restore). */
  forget() {
    this.next = UNKNOWN;
  }
}
