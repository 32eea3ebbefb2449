// The contract between the stack engine and the resource types it can create for real. The engine
// (src/stacks/operation.ts) walks a template's resources in dependency order, evaluates each one's
// properties (Ref and Fn::GetAtt of resources already provisioned resolve to their physical ids and
// attributes), and hands them to the provisioner registered for the resource's type; a type without one
// is simulated (recorded with a physical id and the attributes GetAtt asks for). Provisioners live in
// src/stacks/resources/, one module per resource type, and are registered by start()'s wiring.
import type { Scope } from '../store/scope.js';

/** What a provisioner knows about the resource it works on. */
export interface ProvisionContext {
  scope: Scope;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** The resource type, e.g. AWS::S3::Bucket. */
  type: string;
  /** The operation's time (ms since the epoch). */
  now: number;
  /** A physical name CloudFormation would generate for an unnamed resource (stack-logicalId-SUFFIX, at most `maxLength`). */
  generatedName(maxLength?: number): string;
  /** A line in the stack operation's log (the pipeline action's log when a pipeline deploys the stack). */
  note(line: string): void;
}

/** What a created or updated resource is: its physical id (what Ref returns, for most types) and the attributes Fn::GetAtt reads. */
export interface Provisioned {
  physicalId: string;
  attributes: Record<string, unknown>;
  /** What Ref returns when it is not the physical id (rare: e.g. a pipeline's name is both). */
  ref?: string;
}

/**
 * A resource type created for real. A failure is thrown as ProvisionError with the message
 * CloudFormation would put in the resource's *_FAILED event (the stack then rolls back).
 */
export interface ResourceProvisioner {
  create(ctx: ProvisionContext, properties: Record<string, unknown>): Promise<Provisioned>;
  /**
   * Changes the resource in place. Absent, or throwing ReplacementRequired: the engine creates a new one
   * and deletes the old after the update succeeds, as CloudFormation replaces resources.
   */
  update?(ctx: ProvisionContext, physicalId: string, properties: Record<string, unknown>, previous: Record<string, unknown>): Promise<Provisioned>;
  delete(ctx: ProvisionContext, physicalId: string, properties: Record<string, unknown>): Promise<void>;
}

/** A resource that could not be created, updated or deleted: the reason, as the resource's event says it. */
export class ProvisionError extends Error {}

/** Thrown by update() when the change needs a new resource (e.g. a new BucketName). */
export class ReplacementRequired extends Error {}

/** The provisioners by resource type. Filled once by start()'s wiring; a type it lacks is simulated. */
export class ProvisionerRegistry {
  private readonly byType = new Map<string, ResourceProvisioner>();
  private readonly preloads: (() => Promise<unknown>)[] = [];

  register(type: string, p: ResourceProvisioner): void {
    if (this.byType.has(type)) throw new Error(`a provisioner for ${type} is registered twice`);
    this.byType.set(type, p);
  }

  /** Registers a load that ready() runs: a provisioner whose module is loaded on first use. */
  preload(load: () => Promise<unknown>): void {
    this.preloads.push(load);
  }

  /**
   * Loads every provisioner's module. Called as the stack engine is loaded (the CloudFormation API's
   * first request, the first CloudFormation action), so no stack operation waits for a module midway: a
   * client that polls right after its request still finds the operation done, as when all loaded at start.
   */
  async ready(): Promise<void> {
    await Promise.all(this.preloads.map((load) => load()));
  }

  get(type: string): ResourceProvisioner | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
