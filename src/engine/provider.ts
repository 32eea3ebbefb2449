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
  /**
   * In-process work (a local build, a deployment into the local store), started once the transaction
   * that recorded the action has committed. It ends by reporting through Engine.completeAction inside
   * a store transaction; a rejection fails the action with its message.
   */
  run?(start: ActionStart): Promise<void>;
  /** Inside a transaction, when the action is abandoned (kill in-process work here). */
  cancel?(actionExecution: ActionExecutionRow): void;
  /** When the emulator stops: end in-process work (the engine fails such actions at the next start). */
  shutdown?(): void;
  /** Inside a transaction, when a timer this provider set falls due. */
  timeout?(actionExecution: ActionExecutionRow, kind: string): void;
}

export const typeKey = (t: ActionTypeId) => `${t.owner}/${t.category}/${t.provider}/${t.version}`;

/** Chooses the provider for an action type. */
export type ProviderResolver = (action: ActionDeclaration) => ActionProvider;

/**
 * The providers by action type. The engine and its providers need each other (a provider reports to
 * the engine; the engine starts actions through providers): start() creates this table, gives it to
 * the engine's constructor, then registerProviders() fills it once with providers built on that engine.
 */
export class ProviderTable {
  private resolver: ProviderResolver | undefined;

  fill(resolver: ProviderResolver) {
    if (this.resolver) throw new Error('the providers are already registered');
    this.resolver = resolver;
  }

  resolve(action: ActionDeclaration): ActionProvider {
    if (!this.resolver) throw new Error('no providers registered');
    return this.resolver(action);
  }
}
