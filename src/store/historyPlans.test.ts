// The reads made per request or per engine step go through an index to the rows they need: none
// scans a table, and none sorts a pipeline's whole history (with 50,000 executions in a pipeline
// such a read took seconds; npm run bench:scale). Checked on SQLite's own query plans.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from './index.js';

let store: Store | undefined;
afterEach(() => store?.close());

/** The plan of a prepared statement of a store module (its `s` table; a history pager's page statement), one line per step. */
function plan(module: object, name: string): string[] {
  const entry = (module as { s: Record<string, { source: string } | { page: { source: string } }> }).s[name];
  const stmt = 'page' in entry ? entry.page : entry;
  const params = stmt.source.match(/@\w+/g) ?? [];
  const db = store!.db;
  const explain = db.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`);
  const rows = params.length
    ? explain.all(Object.fromEntries(params.map((p) => [p.slice(1), 'x'])))
    : explain.all(...Array.from({ length: (stmt.source.match(/\?/g) ?? []).length }, () => 'x'));
  return (rows as { detail: string }[]).map((r) => r.detail);
}

describe('history reads use indexes', () => {
  it.each([
    ['executions', 'latestStage', 'stage_executions_latest'],
    ['executions', 'latestAction', 'action_executions_latest'],
    ['executions', 'actionsOfPipeline', 'action_executions_by_pipeline'],
    ['executions', 'active', 'executions_active_by_pipeline'],
    ['executions', 'inProgressActions', 'action_executions_in_progress'],
    ['executions', 'list', 'executions_by_pipeline'],
    ['executions', 'withRevision', 'executions_by_pipeline'],
    ['rules', 'ofPipeline', 'rule_executions_by_pipeline'],
    ['events', 'ofExecution', 'events_by_execution'],
    ['history', 'olderThan', 'executions_by_updated'],
  ] as const)('%s.%s reads through %s, scanning no table', (module, name, index) => {
    store = Store.open({ inMemory: true, dataDir: '' });
    const statement = name === 'olderThan' ? 'oldest' : name;
    const steps = plan(store[module], statement);
    expect(steps.join(' | ')).toContain(`INDEX ${index}`);
    // json_each is a table-valued function over one row's JSON, not a table.
    expect(steps.filter((s) => /^SCAN (?!json_each|r\b)/.test(s))).toEqual([]);
    // A sort is only allowed for the rows of one start time (latestStage's tie-break by execution).
    if (name !== 'latestStage') expect(steps.filter((s) => s.includes('TEMP B-TREE FOR ORDER BY'))).toEqual([]);
  });
});
