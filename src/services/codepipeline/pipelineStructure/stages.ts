// Stage-level rules: how many stages and actions, unique names, blockers, and where source actions go.
import { blockerError, firstDuplicate, stageError, stagesOf, structure, type Declaration, type Stage } from './walk.js';

/** AWS's fixed quotas: 2..50 stages per pipeline, 1..50 actions per stage. */
export const MIN_STAGES = 2;
export const MAX_STAGES = 50;
export const MAX_ACTIONS_PER_STAGE = 50;

export function checkStages(decl: Declaration): void {
  const stages = stagesOf(decl);
  if (stages.length < MIN_STAGES)
    throw structure(`Pipeline has only ${stages.length} stage(s). There should be a minimum of ${MIN_STAGES} stages in a pipeline`);
  if (stages.length > MAX_STAGES)
    throw structure(`Pipeline has ${stages.length} stages. There should be a maximum of ${MAX_STAGES} stages in a pipeline`);
  const dupStage = firstDuplicate(stages.map((s) => s.name));
  if (dupStage !== undefined) throw structure(`Pipeline contains more than one stage named '${dupStage}'. Stage names must be unique within a pipeline`);
  for (const stage of stages) checkStage(stage);
}

function checkStage(stage: Stage): void {
  const actions = stage.actions;
  if (actions.length === 0) throw stageError(`Stage '${stage.name}' has no actions. There should be a minimum of 1 action in a stage`);
  if (actions.length > MAX_ACTIONS_PER_STAGE)
    throw stageError(`Stage '${stage.name}' has ${actions.length} actions. There should be a maximum of ${MAX_ACTIONS_PER_STAGE} actions in a stage`);
  const dupAction = firstDuplicate(actions.map((a) => a.name));
  if (dupAction !== undefined)
    throw stageError(`Stage '${stage.name}' contains more than one action named '${dupAction}'. Action names must be unique within a stage`);
  const dupBlocker = firstDuplicate((stage.blockers ?? []).map((b) => b.name));
  if (dupBlocker !== undefined)
    throw blockerError(`Stage '${stage.name}' contains more than one blocker named '${dupBlocker}'. Blocker names must be unique within a stage`);
}

/** The first stage holds only source actions, and source actions live only in the first stage. */
export function checkSourcePlacement(decl: Declaration): void {
  stagesOf(decl).forEach((stage, i) => {
    for (const action of stage.actions ?? []) {
      const isSource = action.actionTypeId?.category === 'Source';
      if (i === 0 && !isSource)
        throw structure(`Action '${action.name}' in stage '${stage.name}' is not a source action. The first stage of a pipeline can contain only source actions`);
      if (i > 0 && isSource)
        throw structure(`Source action '${action.name}' is in stage '${stage.name}'. Source actions can only be in the first stage of a pipeline`);
    }
  });
}
