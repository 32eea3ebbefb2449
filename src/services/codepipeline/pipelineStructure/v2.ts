// Pipeline-type features: what V1 pipelines may not use, and the V2 rules for variables, triggers
// and execution modes.
import type { Valid } from '../model/types.js';
import { actionsOf, firstDuplicate, stagesOf, structure, type Declaration } from './walk.js';

const v2Only = (feature: string) => structure(`${feature} can only be used with V2 pipelines`);

/** Rejects V2-only features on a V1 pipeline (the default type). */
export function checkV1Features(decl: Declaration): void {
  if ((decl.pipelineType ?? 'V1') !== 'V1') return;
  const triggers = decl.triggers ?? [];
  if (triggers.some((t) => t.gitConfiguration?.push?.some((p) => p.tags))) throw v2Only('Triggers on tag');
  if (triggers.length) throw v2Only('Triggers');
  if (decl.variables?.length) throw v2Only('Pipeline-level variables');
  if (decl.executionMode && decl.executionMode !== 'SUPERSEDED') throw v2Only(`Execution mode ${decl.executionMode}`);
  for (const stage of stagesOf(decl)) {
    if (stage.onFailure?.result === 'ROLLBACK') throw v2Only(`Rollback on failure (stage '${stage.name}')`);
    if (stage.beforeEntry || stage.onSuccess || stage.onFailure) throw v2Only(`Stage conditions (stage '${stage.name}')`);
  }
  const compute = actionsOf(decl).find(({ action }) => action.actionTypeId?.category === 'Compute');
  if (compute) throw v2Only(`Compute actions (action '${compute.action.name}' in stage '${compute.stage.name}')`);
}

export function checkVariables(decl: Declaration): void {
  const dup = firstDuplicate((decl.variables ?? []).map((v) => v.name));
  if (dup !== undefined) throw structure(`Pipeline variable names must be unique. The variable '${dup}' is declared more than once`);
}

const TRIGGER_SOURCE =
  'Triggers for connection must reference a CodeStarSourceConnection action. Note that when you specify a trigger, you cant specify more than one trigger per source action.';
const TRIGGER_FILTERS = 'The trigger configuration for the source action is not valid. Make sure to choose valid filter combinations.';

export function checkTriggers(decl: Declaration): void {
  const triggers = decl.triggers ?? [];
  const sources = new Map(
    (stagesOf(decl)[0]?.actions ?? []).filter((a) => a.actionTypeId.category === 'Source').map((a) => [a.name, a.actionTypeId]),
  );
  for (const t of triggers) {
    const id = sources.get(t.gitConfiguration.sourceActionName);
    if (!id || id.owner !== 'AWS' || id.provider !== t.providerType) throw structure(TRIGGER_SOURCE);
    if (!validFilters(t)) throw structure(TRIGGER_FILTERS);
  }
  if (firstDuplicate(triggers.map((t) => t.gitConfiguration.sourceActionName)) !== undefined) throw structure(TRIGGER_SOURCE);
}

const hasCriteria = (c?: { includes?: string[]; excludes?: string[] }) => !!(c && (c.includes?.length || c.excludes?.length));

/** A push filter is either tags alone, or branches with optional file paths; a pull request filter needs branches. */
function validFilters(t: Valid<'PipelineTriggerDeclaration'>): boolean {
  const push = (f: Valid<'GitPushFilter'>) =>
    f.tags ? hasCriteria(f.tags) && !f.branches && !f.filePaths : hasCriteria(f.branches) && (!f.filePaths || hasCriteria(f.filePaths));
  const pull = (f: Valid<'GitPullRequestFilter'>) => hasCriteria(f.branches) && (!f.filePaths || hasCriteria(f.filePaths));
  const git = t.gitConfiguration;
  return (git.push ?? []).every(push) && (git.pullRequest ?? []).every(pull);
}

/** PARALLEL executions have no single stage state to roll back to. */
export function checkExecutionMode(decl: Declaration): void {
  if (decl.executionMode !== 'PARALLEL') return;
  const stage = stagesOf(decl).find((s) => s.onFailure?.result === 'ROLLBACK');
  if (stage) throw structure(`Stage '${stage.name}' is configured to roll back on failure. Rollback is not supported for pipelines in PARALLEL execution mode`);
}
