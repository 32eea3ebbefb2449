// Shared view of a declaration for the structural checks: every action with its stage and position.
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { cpError } from '../errors.js';

export interface Located {
  stage: StageDeclaration;
  stageIndex: number;
  action: ActionDeclaration;
}

export const stagesOf = (decl: PipelineDeclaration): StageDeclaration[] => decl.stages ?? [];

export function actionsOf(decl: PipelineDeclaration): Located[] {
  return stagesOf(decl).flatMap((stage, stageIndex) => (stage.actions ?? []).map((action) => ({ stage, stageIndex, action })));
}

export const runOrder = (a: ActionDeclaration) => a.runOrder ?? 1;

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
