// Structural validation of a pipeline declaration, beyond what the service model states. The
// order is the order of the checks below: stages, pipeline-type features, source placement,
// action types and their declarations, artifact flow, namespaces, artifact stores, V2 details.
import type { Ctx } from './context.js';
import type { Valid } from './model/types.js';
import { checkActions } from './pipelineStructure/actions.js';
import { checkArtifacts, checkNamespaces } from './pipelineStructure/artifacts.js';
import { checkSourcePlacement, checkStages } from './pipelineStructure/stages.js';
import { checkArtifactStores } from './pipelineStructure/stores.js';
import { checkConditions } from './pipelineStructure/conditions.js';
import { checkExecutionMode, checkTriggers, checkV1Features, checkVariables } from './pipelineStructure/v2.js';

export function checkPipelineStructure(ctx: Ctx, decl: Valid<'PipelineDeclaration'>): void {
  checkStages(decl);
  checkV1Features(decl);
  checkSourcePlacement(decl);
  checkActions(ctx, decl);
  checkArtifacts(decl);
  checkNamespaces(decl);
  checkArtifactStores(ctx, decl);
  checkVariables(decl);
  checkTriggers(decl);
  checkExecutionMode(decl);
  checkConditions(decl);
}
