// Shared pipeline helpers: loading by name, and the defaults AWS fills into a stored declaration.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { pipelineNotFound } from './errors.js';
import type { PipelineRow } from '../../store/pipelines.js';
import type { Ctx } from './context.js';

export function loadPipeline(ctx: Ctx, name: string): PipelineRow {
  const row = ctx.store.pipelines.get(ctx, name);
  if (!row) throw pipelineNotFound(ctx.account, name);
  return row;
}

/**
 * The declaration as AWS stores and returns it: pipelineType V1 and executionMode SUPERSEDED when
 * omitted, runOrder 1, and empty artifact lists made explicit.
 */
export function withDefaults(decl: PipelineDeclaration, version: number): PipelineDeclaration {
  return {
    ...decl,
    version,
    executionMode: decl.executionMode ?? 'SUPERSEDED',
    pipelineType: decl.pipelineType ?? 'V1',
    stages: (decl.stages ?? []).map((stage) => ({
      ...stage,
      actions: (stage.actions ?? []).map((action) => ({
        ...action,
        runOrder: action.runOrder ?? 1,
        configuration: action.configuration ?? {},
        outputArtifacts: action.outputArtifacts ?? [],
        inputArtifacts: action.inputArtifacts ?? [],
      })),
    })),
  };
}
