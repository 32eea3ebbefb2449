// Rule executions of stage conditions, condition overrides, and local simulation settings
// (CloudWatch alarm states, Lambda rule outcomes) that rules read.
import type { RuleExecutionInput, RuleExecutionOutput } from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';
import type { Scope } from './scope.js';
import { historyPages } from './historyPages.js';

export type ConditionType = 'BEFORE_ENTRY' | 'ON_SUCCESS' | 'ON_FAILURE';
export type RuleStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

export interface RuleExecutionRow {
  id: string;
  executionId: string;
  stage: string;
  conditionType: ConditionType;
  stageAttempt: number;
  conditionIndex: number;
  rule: string;
  status: RuleStatus;
  input: RuleExecutionInput;
  output?: RuleExecutionOutput;
  summary?: string;
  started: number;
  updated: number;
}

function fromRaw(r: any): RuleExecutionRow {
  return {
    id: r.id,
    executionId: r.execution_id,
    stage: r.stage,
    conditionType: r.condition_type,
    stageAttempt: r.stage_attempt,
    conditionIndex: r.condition_index,
    rule: r.rule,
    status: r.status,
    input: JSON.parse(r.input),
    output: r.output === null ? undefined : JSON.parse(r.output),
    summary: r.summary ?? undefined,
    started: r.started,
    updated: r.updated,
  };
}

export class RuleExecutionStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      // Rule rows carry their execution's pipeline (read through rule_executions_by_pipeline).
      insert: db.prepare(
        `INSERT INTO rule_executions (id, execution_id, stage, condition_type, stage_attempt, condition_index, rule, status, input, output, summary, started, updated,
           account, region, pipeline)
         SELECT @id, @executionId, @stage, @conditionType, @stageAttempt, @conditionIndex, @rule, @status, @input, @output, @summary, @started, @updated,
           account, region, pipeline FROM executions WHERE id = @executionId`,
      ),
      update: db.prepare('UPDATE rule_executions SET status = ?, output = ?, summary = ?, updated = ? WHERE id = ?'),
      setInput: db.prepare('UPDATE rule_executions SET input = ? WHERE id = ?'),
      get: db.prepare('SELECT * FROM rule_executions WHERE id = ?'),
      forCondition: db.prepare(
        'SELECT * FROM rule_executions WHERE execution_id = ? AND stage = ? AND condition_type = ? AND stage_attempt = ? ORDER BY condition_index, rowid',
      ),
      ofPipeline: historyPages(db, 'rule_executions', 'rule_executions_by_pipeline'),
      ofExecution: db.prepare('SELECT * FROM rule_executions WHERE execution_id = ? ORDER BY started DESC, rowid DESC'),
      override: db.prepare(
        'INSERT OR IGNORE INTO condition_overrides (execution_id, stage, condition_type, stage_attempt, overridden_at) VALUES (?, ?, ?, ?, ?)',
      ),
      overridden: db.prepare('SELECT 1 FROM condition_overrides WHERE execution_id = ? AND stage = ? AND condition_type = ? AND stage_attempt = ?'),
      getSim: db.prepare('SELECT value FROM simulation WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
      putSim: db.prepare(
        'INSERT INTO simulation (account, region, kind, name, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, region, kind, name) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  insert(r: RuleExecutionRow) {
    this.s.insert.run({ ...r, input: JSON.stringify(r.input), output: r.output ? JSON.stringify(r.output) : null, summary: r.summary ?? null });
  }

  update(id: string, status: RuleStatus, output: RuleExecutionOutput | undefined, summary: string | undefined, now: number) {
    this.s.update.run(status, output ? JSON.stringify(output) : null, summary ?? null, now, id);
  }

  setInput(id: string, input: RuleExecutionInput) {
    this.s.setInput.run(JSON.stringify(input), id);
  }

  get(id: string): RuleExecutionRow | undefined {
    const r = this.s.get.get(id);
    return r ? fromRaw(r) : undefined;
  }

  forCondition(executionId: string, stage: string, type: ConditionType, stageAttempt: number): RuleExecutionRow[] {
    return this.s.forCondition.all(executionId, stage, type, stageAttempt).map(fromRaw);
  }

  /**
   * Up to `limit` rule executions of a pipeline, newest first (by start, then insertion), after the rule
   * execution `afterId` (from the newest when undefined); undefined when `afterId` is not one of the pipeline's.
   */
  ofPipeline(s: Scope, pipeline: string, afterId: string | undefined, limit: number): RuleExecutionRow[] | undefined {
    return this.s.ofPipeline.read(s, pipeline, afterId, limit)?.map(fromRaw);
  }

  /** The rule executions of one pipeline execution, newest first. */
  ofExecution(executionId: string): RuleExecutionRow[] {
    return this.s.ofExecution.all(executionId).map(fromRaw);
  }

  override(executionId: string, stage: string, type: ConditionType, stageAttempt: number, now: number) {
    this.s.override.run(executionId, stage, type, stageAttempt, now);
  }

  isOverridden(executionId: string, stage: string, type: ConditionType, stageAttempt: number): boolean {
    return this.s.overridden.get(executionId, stage, type, stageAttempt) !== undefined;
  }

  simulation<T>(s: Scope, kind: string, name: string): T | undefined {
    const r = this.s.getSim.get(s.account, s.region, kind, name) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  setSimulation(s: Scope, kind: string, name: string, value: unknown) {
    this.s.putSim.run(s.account, s.region, kind, name, JSON.stringify(value));
  }
}
