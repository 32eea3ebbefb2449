// Shared view of a declaration for the structural checks: every action with its stage and position.
import { cpError } from '../errors.js';
import type { Valid } from '../model/types.js';

/** A declaration as validation left it: the members the model requires are present, at every depth. */
export type Declaration = Valid<'PipelineDeclaration'>;
export type Stage = Valid<'StageDeclaration'>;
export type Action = Valid<'ActionDeclaration'>;

export interface Located {
  stage: Stage;
  stageIndex: number;
  action: Action;
}

export const stagesOf = (decl: Declaration): Stage[] => decl.stages;

export function actionsOf(decl: Declaration): Located[] {
  return stagesOf(decl).flatMap((stage, stageIndex) => stage.actions.map((action) => ({ stage, stageIndex, action })));
}

export const runOrder = (a: Action) => a.runOrder ?? 1;

/** First value occurring twice in `values`, if any. */
export function firstDuplicate<T>(values: T[]): T | undefined {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

export const structure = (message: string) => cpError('InvalidStructureException', message);
export const stageError = (message: string) => cpError('InvalidStageDeclarationException', message);
export const actionError = (message: string) => cpError('InvalidActionDeclarationException', message);
export const blockerError = (message: string) => cpError('InvalidBlockerDeclarationException', message);
