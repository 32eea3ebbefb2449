// The contract between the engine and an action provider (manual approval, job worker, local builds...).
import type { ActionDeclaration, ActionTypeId, ArtifactDetail, StageDeclaration } from '@aws-sdk/client-codepipeline';
import type { ActionExecutionRow, ExecutionRow } from '../store/executions.js';
import type { ArtifactLocation } from './artifacts.js';

export interface ActionStart {
  execution: ExecutionRow;
  stage: StageDeclaration;
  action: ActionDeclaration;
  actionExecution: ActionExecutionRow;
  resolvedConfiguration: Record<string, string>;
  inputArtifacts: (ArtifactDetail & { revision?: string })[];
  outputArtifacts: { name: string; location: ArtifactLocation }[];
  now: number;
}

export interface ActionBegun {
  token?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  summary?: string;
}

export interface ActionProvider {
  /** Runs inside the transaction that records the action InProgress: durable bookkeeping only (tokens, jobs, timers). */
  begin(start: ActionStart): ActionBegun | void;
  /** Inside a transaction, when the action is abandoned or its execution cancelled. */
  cancel?(actionExecution: ActionExecutionRow): void;
  /** Inside a transaction, when a timer this provider set falls due. */
  timeout?(actionExecution: ActionExecutionRow, kind: string): void;
}

export const typeKey = (t: ActionTypeId) => `${t.owner}/${t.category}/${t.provider}/${t.version}`;
