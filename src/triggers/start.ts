// Starting a pipeline from a trigger (a push, an object upload, a webhook, a simulated pull request),
// and the pipelines a trigger looks at (read across every account and region).
import type { ActionDeclaration, PipelineDeclaration, SourceRevisionOverride } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { Scope } from '../store/scope.js';

/**
 * A trigger's pin: the revision to use, and for a git trigger what chose it (kept with the execution
 * so the source action's log can say so). Only change detection writes `ref` and `detectedBy`.
 */
export interface TriggerPin extends SourceRevisionOverride {
  /** The ref that moved (refs/heads/<branch> or refs/tags/<tag>), or a pull request's source branch. */
  ref?: string;
  /** push: seen as it happened; catch-up: made while change detection was not running; pull-request: a simulated pull request. */
  detectedBy?: 'push' | 'catch-up' | 'pull-request';
}

export interface StoredPipeline extends Scope {
  name: string;
  declaration: PipelineDeclaration;
}

/** Every pipeline of every account and region (change detection watches them all). */
export const allPipelines = (engine: Engine): StoredPipeline[] => engine.store.pipelines.everywhere();

export const pipelinesIn = (engine: Engine, scope: Scope): StoredPipeline[] =>
  allPipelines(engine).filter((p) => p.account === scope.account && p.region === scope.region);

/** The source actions of a pipeline (AWS keeps them in the first stage). */
export function sourceActions(decl: PipelineDeclaration): ActionDeclaration[] {
  return (decl.stages?.[0]?.actions ?? []).filter((a) => a.actionTypeId?.category === 'Source' && a.actionTypeId.owner === 'AWS');
}

export const isV2 = (decl: PipelineDeclaration) => decl.pipelineType === 'V2';

/** The V2 trigger declared for a source action, if any. */
export const triggerFor = (decl: PipelineDeclaration, actionName: string) =>
  isV2(decl) ? decl.triggers?.find((t) => t.gitConfiguration?.sourceActionName === actionName) : undefined;

/**
 * Starts the pipeline's current version, the triggering source action pinned to the revision that
 * triggered it. Returns the execution id, or undefined when the pipeline no longer exists.
 */
export function startFromTrigger(
  engine: Engine,
  scope: Scope,
  pipeline: string,
  trigger: { triggerType: string; triggerDetail?: string },
  sourceRevisions: TriggerPin[] = [],
  before?: () => void,
): string | undefined {
  const id = engine.store.tx(() => {
    const row = engine.store.pipelines.get(scope, pipeline);
    if (!row) return undefined;
    const actions = new Set(sourceActions(row.declaration).map((a) => a.name));
    before?.();
    const exec = engine.createExecution(scope, row.declaration, {
      trigger,
      sourceRevisions: sourceRevisions.filter((r) => actions.has(r.actionName)),
    });
    return exec.id;
  });
  if (id) engine.log.info(`trigger: ${trigger.triggerType} started ${pipeline} (${scope.account}/${scope.region}) execution ${id}`);
  return id;
}

/** An EventBridge rule ARN standing for the rule AWS's console creates for a CodeCommit or S3 source. */
export function eventRuleArn(scope: Scope, pipeline: string, action: string): string {
  const name = `codepipeline-${pipeline}-${action}-rule`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return `arn:aws:events:${scope.region}:${scope.account}:rule/${name}`;
}
