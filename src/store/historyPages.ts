// A pipeline's history of one kind (action or rule executions), a page at a time, newest first: keyset
// paging through the table's (account, region, pipeline, started) index, after the row a token names,
// so a page deep in history costs what the first one does.
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { Scope } from './scope.js';

/**
 * Pages of `table` through `index`: `read` answers a page, undefined when `afterId` is not one of the
 * pipeline's rows; `page` is its statement (its query plan is tested).
 */
export interface HistoryPages {
  page: Database.Statement<[string, string, string, number, number, number], Record<string, unknown>>;
  read(s: Scope, pipeline: string, afterId: string | undefined, limit: number): Record<string, unknown>[] | undefined;
}

export function historyPages(db: Db, table: 'action_executions' | 'rule_executions', index: string): HistoryPages {
  // A page of a pipeline's rows, newest first, after the one at (started, rowid).
  const page = db.prepare<[string, string, string, number, number, number], Record<string, unknown>>(
    `SELECT * FROM ${table} INDEXED BY ${index}
      WHERE account = ? AND region = ? AND pipeline = ? AND (started, rowid) < (?, ?)
      ORDER BY started DESC, rowid DESC LIMIT ?`,
  );
  const position = db.prepare<[string, string, string, string], { started: number; rowid: number }>(
    `SELECT started, rowid FROM ${table} WHERE id = ? AND account = ? AND region = ? AND pipeline = ?`,
  );
  const read = (s: Scope, pipeline: string, afterId: string | undefined, limit: number): Record<string, unknown>[] | undefined => {
    let at = { started: Number.MAX_SAFE_INTEGER, rowid: Number.MAX_SAFE_INTEGER };
    if (afterId !== undefined) {
      const found = position.get(afterId, s.account, s.region, pipeline);
      if (!found) return undefined;
      at = found;
    }
    return page.all(s.account, s.region, pipeline, at.started, at.rowid, limit);
  };
  return { page, read };
}
