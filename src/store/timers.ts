// Durable timers (approval and job timeouts): due times survive restarts.
import type { Db } from './db.js';

export interface TimerRow {
  id: number;
  dueAt: number;
  kind: string;
  ref: string;
}

export class TimerStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO timers (due_at, kind, ref) VALUES (?, ?, ?)'),
      due: db.prepare<[number], TimerRow>('SELECT id, due_at AS dueAt, kind, ref FROM timers WHERE due_at <= ? ORDER BY due_at, id'),
      next: db.prepare<[], { dueAt: number }>('SELECT MIN(due_at) AS dueAt FROM timers'),
      delete: db.prepare('DELETE FROM timers WHERE id = ?'),
      deleteRef: db.prepare('DELETE FROM timers WHERE ref = ?'),
    };
  }
  add(dueAt: number, kind: string, ref: string) {
    this.s.insert.run(dueAt, kind, ref);
  }
  due(now: number): TimerRow[] {
    return this.s.due.all(now);
  }
  nextDue(): number | undefined {
    return this.s.next.get()?.dueAt ?? undefined;
  }
  delete(id: number) {
    this.s.delete.run(id);
  }
  cancel(ref: string) {
    this.s.deleteRef.run(ref);
  }
}
