// GetPipelineState's condition states of a stage (beforeEntry, onSuccess, onFailure), built from the
// rule executions of the stage's latest execution.
import type { ConditionExecutionStatus, ConditionState, RuleState, StageConditionState } from '@aws-sdk/client-codepipeline';
import type { StageExecutionRow } from '../../store/executions.js';
import type { ConditionType, RuleExecutionRow, RuleStatus } from '../../store/ruleExecutions.js';
import type { Ctx } from './context.js';

export interface StageConditionStates {
  beforeEntryConditionState?: StageConditionState;
  onSuccessConditionState?: StageConditionState;
  onFailureConditionState?: StageConditionState;
}

/** Failed wins over running, running over abandoned; a condition succeeded when every rule did. */
function combined(statuses: (RuleStatus | ConditionExecutionStatus)[]): ConditionExecutionStatus {
  for (const s of ['Failed', 'InProgress', 'Abandoned'] as const) if (statuses.includes(s)) return s;
  return 'Succeeded';
}

function ruleState(r: RuleExecutionRow): RuleState {
  const result = r.output?.executionResult;
  return {
    ruleName: r.rule,
    latestExecution: {
      ruleExecutionId: r.id,
      status: r.status,
      ...(r.summary && { summary: r.summary }),
      lastStatusChange: new Date(r.updated),
      ...(result?.externalExecutionId && { externalExecutionId: result.externalExecutionId }),
      ...(result?.externalExecutionUrl && { externalExecutionUrl: result.externalExecutionUrl }),
      ...(result?.errorDetails && { errorDetails: result.errorDetails }),
    },
  };
}

/** The rule executions of one condition type in the stage's latest attempt that evaluated it. */
function rowsOf(ctx: Ctx, se: StageExecutionRow, type: ConditionType): { rows: RuleExecutionRow[]; attempt: number } {
  const first = type === 'BEFORE_ENTRY' ? 1 : se.attempt;
  for (let attempt = first; attempt >= 1; attempt--) {
    const rows = ctx.store.rules.forCondition(se.executionId, se.stage, type, attempt);
    if (rows.length) return { rows, attempt };
  }
  return { rows: [], attempt: first };
}

function stageConditionState(ctx: Ctx, se: StageExecutionRow, type: ConditionType): StageConditionState | undefined {
  const { rows, attempt } = rowsOf(ctx, se, type);
  const overridden = ctx.store.rules.isOverridden(se.executionId, se.stage, type, attempt);
  if (!rows.length && !overridden) return undefined;
  const byCondition = new Map<number, RuleExecutionRow[]>();
  for (const r of rows) byCondition.set(r.conditionIndex, [...(byCondition.get(r.conditionIndex) ?? []), r]);
  const conditionStates: ConditionState[] = [...byCondition.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, rules]) => ({
      latestExecution: {
        status: overridden ? 'Overridden' : combined(rules.map((r) => r.status)),
        lastStatusChange: new Date(Math.max(...rules.map((r) => r.updated))),
      },
      ruleStates: rules.map(ruleState),
    }));
  const status: ConditionExecutionStatus = overridden ? 'Overridden' : combined(conditionStates.map((c) => c.latestExecution!.status!));
  return { latestExecution: { status }, conditionStates };
}

export function conditionStates(ctx: Ctx, se: StageExecutionRow | undefined): StageConditionStates {
  if (!se) return {};
  const beforeEntry = stageConditionState(ctx, se, 'BEFORE_ENTRY');
  const onSuccess = stageConditionState(ctx, se, 'ON_SUCCESS');
  const onFailure = stageConditionState(ctx, se, 'ON_FAILURE');
  return {
    ...(beforeEntry && { beforeEntryConditionState: beforeEntry }),
    ...(onSuccess && { onSuccessConditionState: onSuccess }),
    ...(onFailure && { onFailureConditionState: onFailure }),
  };
}
