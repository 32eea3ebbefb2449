// Change detection's memory of git heads: per pipeline, source action and ref, the commit it last saw
// (see migration 7). Survives restarts, so catch-up compares against what was last seen or started,
// for the action's own branch and for every branch or tag a V2 trigger filter watches.
import type { Db } from './db.js';
import type { Scope } from './scope.js';

/** The ref of the row that marks the baseline as taken. */
const BASELINE = '';

export interface SeenHeads {
  /** Whether a baseline was taken for this source: a ref without a head is then new. */
  baseline: boolean;
  /** ref -> the commit last seen. */
  heads: Map<string, string>;
}

export class SourceHeadStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      rows: db.prepare<[string, string, string, string], { ref: string; source: string; commitId: string }>(
        'SELECT ref, source, commit_id AS commitId FROM source_heads WHERE account = ? AND region = ? AND pipeline = ? AND action = ?',
      ),
      one: db.prepare<[string, string, string, string, string], { source: string; commitId: string }>(
        'SELECT source, commit_id AS commitId FROM source_heads WHERE account = ? AND region = ? AND pipeline = ? AND action = ? AND ref = ?',
      ),
      put: db.prepare(
        `INSERT INTO source_heads (account, region, pipeline, action, ref, source, commit_id, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, pipeline, action, ref) DO UPDATE SET source = excluded.source, commit_id = excluded.commit_id, updated = excluded.updated`,
      ),
      forgetAction: db.prepare('DELETE FROM source_heads WHERE account = ? AND region = ? AND pipeline = ? AND action = ?'),
      forgetPipeline: db.prepare('DELETE FROM source_heads WHERE account = ? AND region = ? AND pipeline = ?'),
    };
  }

  /** What was seen of `source` (rows of another source do not count). */
  seen(scope: Scope, pipeline: string, action: string, source: string): SeenHeads {
    const heads = new Map<string, string>();
    let baseline = false;
    for (const r of this.s.rows.all(scope.account, scope.region, pipeline, action)) {
      if (r.source !== source) continue;
      if (r.ref === BASELINE) baseline = true;
      else heads.set(r.ref, r.commitId);
    }
    return { baseline, heads };
  }

  /** The head last seen on one ref of `source`. */
  head(scope: Scope, pipeline: string, action: string, source: string, ref: string): string | undefined {
    const r = this.s.one.get(scope.account, scope.region, pipeline, action, ref);
    return r && r.source === source ? r.commitId : undefined;
  }

  /** Starts over for `source`: forgets the action's rows and marks the baseline, then records `heads`. */
  takeBaseline(scope: Scope, pipeline: string, action: string, source: string, heads: Iterable<[string, string]> = []) {
    this.s.forgetAction.run(scope.account, scope.region, pipeline, action);
    const now = Date.now();
    this.s.put.run(scope.account, scope.region, pipeline, action, BASELINE, source, '', now);
    for (const [ref, commit] of heads) this.s.put.run(scope.account, scope.region, pipeline, action, ref, source, commit, now);
  }

  record(scope: Scope, pipeline: string, action: string, source: string, ref: string, commit: string) {
    this.s.put.run(scope.account, scope.region, pipeline, action, ref, source, commit, Date.now());
  }

  forget(scope: Scope, pipeline: string) {
    this.s.forgetPipeline.run(scope.account, scope.region, pipeline);
  }
}
