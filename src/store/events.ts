// State-change events, shaped like CodePipeline's EventBridge events, kept per pipeline in order.
import type { Db } from './db.js';
import type { Scope } from './scope.js';

export interface EventRow {
  seq: number;
  account: string;
  region: string;
  pipeline: string;
  executionId?: string;
  time: number;
  detailType: string;
  detail: Record<string, unknown>;
}

type Listener = (e: Omit<EventRow, 'seq'>) => void;

export class EventStore {
  private readonly s;
  private readonly listeners = new Set<Listener>();
  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO events (account, region, pipeline, execution_id, time, detail_type, detail) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      list: db.prepare('SELECT * FROM events WHERE account = ? AND region = ? AND pipeline = ? AND seq > ? ORDER BY seq LIMIT ?'),
      ofExecution: db.prepare('SELECT * FROM events WHERE execution_id = ? ORDER BY seq'),
      latest: db.prepare('SELECT MAX(seq) AS seq FROM events WHERE account = ? AND region = ? AND pipeline = ?').pluck(),
    };
  }

  /** Calls `fn` for each event recorded from now on (inside its transaction: defer any read). */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  add(e: Omit<EventRow, 'seq'>): number {
    for (const fn of this.listeners) fn(e);
    return Number(
      this.s.insert.run(e.account, e.region, e.pipeline, e.executionId ?? null, e.time, e.detailType, JSON.stringify(e.detail)).lastInsertRowid,
    );
  }

  /** The sequence number of the pipeline's newest event (0 when it has none). */
  latestSeq(s: Scope, pipeline: string): number {
    return (this.s.latest.get(s.account, s.region, pipeline) as number | null) ?? 0;
  }

  list(s: Scope, pipeline: string, afterSeq: number, limit: number): EventRow[] {
    return (this.s.list.all(s.account, s.region, pipeline, afterSeq, limit) as any[]).map(fromRaw);
  }

  /** The events of one execution, in order. */
  ofExecution(executionId: string): EventRow[] {
    return (this.s.ofExecution.all(executionId) as any[]).map(fromRaw);
  }
}

function fromRaw(r: any): EventRow {
  return {
    seq: r.seq,
    account: r.account,
    region: r.region,
    pipeline: r.pipeline,
    executionId: r.execution_id ?? undefined,
    time: r.time,
    detailType: r.detail_type,
    detail: JSON.parse(r.detail),
  };
}
