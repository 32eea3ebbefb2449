// What a CloudFormation stack is: the document kept for it in the store (simulated
// resources, kind 'cloudformation-stack'), with its change sets and events. Shared by the pipeline's
// Deploy/CloudFormation action, the read-only views and any API that reads or changes stacks.
import type { Template } from './template.js';

export interface StackEvent {
  eventId: string;
  timestamp: string;
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  resourceStatus: string;
  resourceStatusReason?: string;
}

export interface StackResource {
  logicalId: string;
  type: string;
  physicalId: string;
  /** CREATE_COMPLETE, UPDATE_COMPLETE, *_IN_PROGRESS, *_FAILED... (absent in documents stored before real resources: CREATE_COMPLETE). */
  status?: string;
  statusReason?: string;
  /** The properties as provisioned (evaluated), compared on update and given back to delete. */
  properties?: Record<string, unknown>;
  /** What Fn::GetAtt reads. */
  attributes?: Record<string, unknown>;
  /** What Ref answers when it is not the physical id. */
  ref?: string;
  /** Recorded only, not created (a type without a provisioner; every resource of older documents). */
  simulated?: boolean;
  /** The resources it depends on (deleted after it). */
  dependsOn?: string[];
  deletionPolicy?: string;
  updated?: string;
}

/** What a stack was before an update, to roll back to. */
export interface StackSnapshot {
  templateBody?: string;
  parameters: Record<string, string>;
  resolvedParameters?: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  stackPolicy?: unknown;
  roleArn?: string;
  resources: StackResource[];
  outputs: Record<string, string>;
  exports: Record<string, string>;
  outputDescriptions?: Record<string, string>;
  description?: string;
  noEchoParameters?: string[];
}

/** One step of an update: how a resource changed (undone in reverse order by a rollback). */
export interface UpdateStep {
  logicalId: string;
  kind: 'create' | 'update' | 'replace';
  /** The record before the step (update, replace). */
  before?: StackResource;
}

/** The operation a stack is in the middle of, kept so that a rollback, or a restart, can finish it. */
export interface StackInProgress {
  verb: 'CREATE' | 'UPDATE' | 'DELETE';
  /** UPDATE: the stack before it. */
  previous?: StackSnapshot;
  steps: UpdateStep[];
  /** Resources superseded (replaced, or rolled back from a replacement), deleted in the cleanup. */
  discard: StackResource[];
}

export interface ChangeSetDocument {
  changeSetId: string;
  changeSetName: string;
  status: 'CREATE_COMPLETE' | 'FAILED';
  executionStatus: 'AVAILABLE' | 'UNAVAILABLE';
  statusReason?: string;
  templateBody: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  roleArn?: string;
  changes: { action: 'Add' | 'Modify' | 'Remove'; logicalResourceId: string; resourceType: string }[];
  created: string;
}

/** Who last changed a stack: the pipeline action. */
export interface StackOrigin {
  pipeline: string;
  pipelineExecutionId: string;
  stage: string;
  action: string;
  actionExecutionId: string;
}

export interface StackDocument {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  templateBody?: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  stackPolicy?: unknown;
  roleArn?: string;
  resources: StackResource[];
  outputs: Record<string, string>;
  exports: Record<string, string>;
  changeSets: Record<string, ChangeSetDocument>;
  events: StackEvent[];
  created: string;
  updated: string;
  /** The pipeline action that last touched the stack. */
  lastAction?: StackOrigin;
  /** The template's Description. */
  description?: string;
  /** Parameters declared NoEcho (shown as ****). */
  noEchoParameters?: string[];
  /** The values Ref answered (SSM parameter types resolved from the parameter store). */
  resolvedParameters?: Record<string, string>;
  outputDescriptions?: Record<string, string>;
  /** Set while an operation runs (status *_IN_PROGRESS). */
  inProgress?: StackInProgress;
}

/** What a create, update or change set asks the stack to become. */
export interface StackTemplate {
  templateBody: string;
  template: Template;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  stackPolicy?: unknown;
  roleArn?: string;
}

/** The simulated resources kind stacks are kept under. */
export const STACK_KIND = 'cloudformation-stack';

/** Stack states a replacement (REPLACE_ON_FAILURE) replaces and an update refuses. */
export const FAILED_STATES = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED'];

/** Events kept per stack (the oldest go first). */
export const MAX_EVENTS = 1000;

/** The reason a change set with no changes fails with (as CloudFormation words it). */
export const NO_CHANGES_REASON = "The submitted information didn't contain changes. Submit different information to create a change set.";
