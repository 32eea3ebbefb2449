// Inbound stage transitions that were disabled or re-enabled (absent row = enabled).
import type { Db } from './db.js';
import type { Scope } from './scope.js';

export interface TransitionRow {
  stage: string;
  enabled: boolean;
  reason?: string;
  lastChangedAt: number;
  lastChangedBy?: string;
}

export class TransitionStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      put: db.prepare(
        `INSERT INTO transitions (account, region, pipeline, stage, enabled, reason, last_changed_at, last_changed_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, pipeline, stage) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason,
           last_changed_at = excluded.last_changed_at, last_changed_by = excluded.last_changed_by`,
      ),
      list: db.prepare('SELECT * FROM transitions WHERE account = ? AND region = ? AND pipeline = ?'),
      deleteAll: db.prepare('DELETE FROM transitions WHERE account = ? AND region = ? AND pipeline = ?'),
    };
  }

  put(s: Scope, pipeline: string, t: TransitionRow) {
    this.s.put.run(s.account, s.region, pipeline, t.stage, t.enabled ? 1 : 0, t.reason ?? null, t.lastChangedAt, t.lastChangedBy ?? null);
  }

  /** Transition state by stage name. */
  forPipeline(s: Scope, pipeline: string): Map<string, TransitionRow> {
    const rows = this.s.list.all(s.account, s.region, pipeline) as any[];
    return new Map(
      rows.map((r) => [
        r.stage,
        { stage: r.stage, enabled: r.enabled === 1, reason: r.reason ?? undefined, lastChangedAt: r.last_changed_at, lastChangedBy: r.last_changed_by ?? undefined },
      ]),
    );
  }

  deleteForPipeline(s: Scope, pipeline: string) {
    this.s.deleteAll.run(s.account, s.region, pipeline);
  }
}
