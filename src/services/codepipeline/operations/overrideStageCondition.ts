// OverrideStageCondition: lets an execution past a stage condition that is still being evaluated
// (an entry condition waiting for a deployment window, a success condition monitoring an alarm), or
// that failed and so failed the stage: the condition counts as met, its running rules are abandoned,
// and a stage it failed goes on.
import { conditionsOf } from '../../../engine/conditions.js';
import { cpError } from '../errors.js';
import type { ConditionType } from '../../../store/ruleExecutions.js';
import type { Handler } from '../handler.js';
import { loadExecution, requireLatestInStage } from '../executionView.js';
import { loadPipeline } from '../pipelineDeclaration.js';
import { findStage } from '../stageAction.js';

const NAMES: Record<string, string> = { BEFORE_ENTRY: 'entry', ON_SUCCESS: 'success' };

export const overrideStageCondition: Handler<'OverrideStageCondition'> = (ctx, input) =>
  ctx.store.tx(() => {
    const pipeline = loadPipeline(ctx, input.pipelineName);
    const stage = findStage(pipeline.declaration, input.stageName);
    const type: ConditionType = input.conditionType;
    const exec = loadExecution(ctx, pipeline.name, input.pipelineExecutionId);
    const notOverridable = (why: string) =>
      cpError('ConditionNotOverridableException', `Unable to override the ${NAMES[type]} condition of stage '${stage.name}' for pipeline execution '${exec.id}': ${why}`);
    requireLatestInStage(ctx, pipeline.name, stage.name!, exec);
    const se = ctx.store.executions.stage(exec.id, stage.name!);
    // The execution must be at the stage, with the stage's declaration it runs with.
    const declared = exec.declaration.stages?.find((s) => s.name === stage.name);
    const conditions = declared ? conditionsOf(declared, type) : [];
    if (!se || !conditions.length) throw notOverridable('the condition is not being evaluated');
    if (conditions.some((c) => c.result === 'SKIP')) throw notOverridable('a condition with the result SKIP cannot be overridden');
    const attempt = type === 'BEFORE_ENTRY' ? 1 : se.attempt;
    if (ctx.store.rules.isOverridden(exec.id, stage.name!, type, attempt)) throw notOverridable('the condition has already been overridden');
    const rows = ctx.store.rules.forCondition(exec.id, stage.name!, type, attempt);
    const running = exec.status === 'InProgress' && se.status === 'InProgress' && rows.some((r) => r.status === 'InProgress');
    const stageIndex = exec.declaration.stages!.findIndex((s) => s.name === stage.name);
    const failedIt = exec.status === 'Failed' && se.status === 'Failed' && exec.stageIndex === stageIndex && rows.some((r) => r.status === 'Failed');
    if (!running && !failedIt) throw notOverridable('the condition is neither in progress nor failed');
    ctx.engine.conditions.override(exec, stage.name!, type, attempt);
    if (failedIt) ctx.engine.resumeStage(exec, declared!);
    return {};
  });
