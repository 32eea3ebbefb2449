// Stage conditions (V2): beforeEntry, onSuccess and onFailure. Each condition's rules run as rule
// executions in the store; a condition is met when all its rules succeed. Rules that wait (a closed
// deployment window, an alarm monitored for WaitTime) are re-checked by a durable timer.
import { randomUUID } from 'node:crypto';
import type { Condition, StageDeclaration } from '@aws-sdk/client-codepipeline';
import type { ExecutionRow } from '../store/executions.js';
import type { ConditionType, RuleExecutionRow } from '../store/ruleExecutions.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../util/clock.js';
import type { PipelineKey } from './scheduler.js';
import { evaluateRule } from './rules.js';
import { resolveConfiguration, UnresolvedVariableError, type VariableScope } from './variables.js';

/** met: go on; pending: wait; otherwise the result of the first condition that was not met. */
export type ConditionOutcome = { kind: 'met' } | { kind: 'pending' } | { kind: 'notMet'; result: string };

export function conditionsOf(stage: StageDeclaration, type: ConditionType): Condition[] {
  if (type === 'BEFORE_ENTRY') return stage.beforeEntry?.conditions ?? [];
  if (type === 'ON_SUCCESS') return stage.onSuccess?.conditions ?? [];
  return stage.onFailure?.conditions ?? [];
}

/** What conditions need from the engine: the store and clock, an execution's variables, and a way to say a pipeline changed. */
export interface ConditionDeps {
  store: Store;
  clock: Clock;
  variableScope(exec: ExecutionRow): VariableScope;
  schedule(k: PipelineKey): void;
}

export class StageConditions {
  constructor(private readonly engine: ConditionDeps) {}

  /** Starts, or continues, the evaluation of a stage's conditions of one type; runs inside a transaction. */
  evaluate(exec: ExecutionRow, stage: StageDeclaration, type: ConditionType, attempt: number): ConditionOutcome {
    const store = this.engine.store;
    const conditions = conditionsOf(stage, type);
    if (!conditions.length || store.rules.isOverridden(exec.id, stage.name!, type, attempt)) return { kind: 'met' };
    let rows = store.rules.forCondition(exec.id, stage.name!, type, attempt);
    if (!rows.length) rows = this.start(exec, stage, type, attempt, conditions);
    let pending = false;
    for (const [i, condition] of conditions.entries()) {
      const statuses = rows.filter((r) => r.conditionIndex === i).map((r) => r.status);
      if (statuses.some((s) => s === 'Failed')) {
        this.abandonPending(rows);
        return { kind: 'notMet', result: condition.result ?? 'FAIL' };
      }
      if (statuses.some((s) => s === 'InProgress')) pending = true;
    }
    return pending ? { kind: 'pending' } : { kind: 'met' };
  }

  private start(exec: ExecutionRow, stage: StageDeclaration, type: ConditionType, attempt: number, conditions: Condition[]): RuleExecutionRow[] {
    const store = this.engine.store;
    const now = this.engine.clock.now();
    const scope = this.engine.variableScope(exec);
    const rows: RuleExecutionRow[] = [];
    for (const [i, condition] of conditions.entries()) {
      for (const rule of condition.rules ?? []) {
        const row: RuleExecutionRow = {
          id: randomUUID(),
          executionId: exec.id,
          stage: stage.name!,
          conditionType: type,
          stageAttempt: attempt,
          conditionIndex: i,
          rule: rule.name!,
          status: 'InProgress',
          input: {
            ruleTypeId: rule.ruleTypeId,
            configuration: rule.configuration ?? {},
            resolvedConfiguration: {},
            roleArn: rule.roleArn,
            region: rule.region ?? exec.region,
            inputArtifacts: [],
          },
          started: now,
          updated: now,
        };
        store.rules.insert(row);
        rows.push(row);
        this.run(exec, row, rule, scope);
      }
    }
    return store.rules.forCondition(exec.id, stage.name!, type, attempt);
  }

  /** Evaluates a rule execution once and records the outcome (or arms a re-check). */
  private run(exec: ExecutionRow, row: RuleExecutionRow, rule: NonNullable<Condition['rules']>[number], scope = this.engine.variableScope(exec)) {
    const store = this.engine.store;
    const now = this.engine.clock.now();
    let config: Record<string, string>;
    try {
      config = resolveConfiguration(rule.configuration ?? {}, scope);
    } catch (e) {
      if (!(e instanceof UnresolvedVariableError)) throw e;
      store.rules.update(row.id, 'Failed', { executionResult: { externalExecutionSummary: e.message, errorDetails: { code: 'RuleFailed', message: e.message } } }, e.message, now);
      return;
    }
    row.input.resolvedConfiguration = config;
    const out = evaluateRule({ store, exec, now, started: row.started, scope }, rule, config);
    const output = {
      executionResult: {
        externalExecutionSummary: out.summary,
        ...(out.status === 'Failed' && { errorDetails: { code: 'RuleFailed', message: out.summary } }),
      },
    };
    store.rules.setInput(row.id, row.input);
    store.rules.update(row.id, out.status, output, out.summary, now);
    if (out.status === 'InProgress' && out.recheckAt !== undefined) store.timers.add(out.recheckAt, 'rule-recheck', row.id);
  }

  /** A re-check timer fired: evaluate the rule again and let the engine advance. */
  recheck(ruleExecutionId: string) {
    const row = this.engine.store.rules.get(ruleExecutionId);
    if (!row || row.status !== 'InProgress') return;
    const exec = this.engine.store.executions.get(row.executionId)!;
    const stage = exec.declaration.stages!.find((s) => s.name === row.stage)!;
    const rule = conditionsOf(stage, row.conditionType)[row.conditionIndex]?.rules?.find((r) => r.name === row.rule);
    if (!rule) return;
    this.run(exec, row, rule);
    this.engine.schedule(exec);
  }

  /** OverrideStageCondition: the condition counts as met; rules still running are abandoned. */
  override(exec: ExecutionRow, stage: string, type: ConditionType, attempt: number) {
    const store = this.engine.store;
    store.rules.override(exec.id, stage, type, attempt, this.engine.clock.now());
    this.abandonPending(store.rules.forCondition(exec.id, stage, type, attempt));
    this.engine.schedule(exec);
  }

  private abandonPending(rows: RuleExecutionRow[]) {
    const now = this.engine.clock.now();
    for (const r of rows)
      if (r.status === 'InProgress') {
        this.engine.store.rules.update(r.id, 'Abandoned', r.output, r.summary, now);
        this.engine.store.timers.cancel(r.id);
      }
  }
}
