// Finding a stage and an action of a pipeline by name, with AWS's not-found errors.
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { cpError } from './errors.js';

export function findStage(decl: PipelineDeclaration, name: string): StageDeclaration {
  const stage = decl.stages?.find((s) => s.name === name);
  if (!stage) throw cpError('StageNotFoundException', `Stage with name '${name}' was not found in pipeline '${decl.name}'`);
  return stage;
}

export function findAction(decl: PipelineDeclaration, stage: StageDeclaration, name: string): ActionDeclaration {
  const action = stage.actions?.find((a) => a.name === name);
  if (!action) throw cpError('ActionNotFoundException', `Action with name '${name}' was not found in stage '${stage.name}' of pipeline '${decl.name}'`);
  return action;
}
