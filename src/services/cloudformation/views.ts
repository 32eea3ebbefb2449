// The API's views of a stack document: Stack, StackSummary, StackEvent, the resource views, change sets.
// What the engine's document lacks is read from the stored template: the stack's and outputs'
// descriptions, export names, NoEcho masking, resource metadata.
import type * as sdk from '@aws-sdk/client-cloudformation';
import type { ChangeSetDocument, StackEvent } from '../../stacks/documents.js';
import type { Template } from '../../stacks/template.js';
import { shownStatus, type ApiStack } from './stacks.js';
import { storedTemplate } from './templateSource.js';
import { validationError } from './errors.js';

const date = (iso: string) => new Date(iso);
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const noEcho = (t: Template | undefined, name: string) => String((t?.Parameters as Record<string, any> | undefined)?.[name]?.NoEcho).toLowerCase() === 'true';

/**
 * Parameter values as DescribeStacks and DescribeChangeSet show them: NoEcho ones as ****; SSM parameter
 * types with the value read from the parameter store (`ResolvedValue`), when the stack holds it.
 */
export function parameterViews(t: Template | undefined, values: Record<string, string>, resolved: Record<string, string> = {}): sdk.Parameter[] {
  const types = (isObject(t?.Parameters) ? t.Parameters : {}) as Record<string, any>;
  return Object.entries(values).map(([k, v]) => {
    const masked = noEcho(t, k);
    const ssm = String(types[k]?.Type ?? '').startsWith('AWS::SSM::Parameter::Value<') && resolved[k] !== undefined;
    return { ParameterKey: k, ParameterValue: masked ? '****' : v, ...(ssm && { ResolvedValue: masked ? '****' : resolved[k] }) };
  });
}

const tagViews = (tags: Record<string, string>): sdk.Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The template's Description, when it is a string. */
export const descriptionOf = (t: Template | undefined) => (typeof t?.Description === 'string' ? t.Description : undefined);

function outputViews(s: ApiStack, t: Template | undefined): sdk.Output[] {
  const declared = (isObject(t?.Outputs) ? t.Outputs : {}) as Record<string, any>;
  const unused = new Map(Object.entries(s.exports ?? {}));
  return Object.entries(s.outputs ?? {}).map(([key, value]) => {
    const d = declared[key];
    let exportName: string | undefined;
    if (isObject(d) && d.Export !== undefined) {
      exportName = typeof d.Export?.Name === 'string' ? d.Export.Name : [...unused].find(([, v]) => v === value)?.[0];
      if (exportName !== undefined) unused.delete(exportName);
    }
    return {
      OutputKey: key,
      OutputValue: value,
      ...(isObject(d) && typeof d.Description === 'string' && { Description: d.Description }),
      ...(exportName !== undefined && { ExportName: exportName }),
    };
  });
}

const deleted = (s: ApiStack) => s.status.startsWith('DELETE_');

/** StackStatus and StackStatusReason (an accepted operation not started yet: its status, "User Initiated"). */
function statusView(s: ApiStack): { StackStatus: sdk.StackStatus; StackStatusReason?: string } {
  if (s.apiOperation) return { StackStatus: shownStatus(s) as sdk.StackStatus, StackStatusReason: 'User Initiated' };
  return { StackStatus: s.status as sdk.StackStatus, ...(s.statusReason !== undefined && { StackStatusReason: s.statusReason }) };
}

export function stackView(s: ApiStack): sdk.Stack {
  const t = storedTemplate(s.templateBody);
  const description = descriptionOf(t);
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ...(description !== undefined && { Description: description }),
    Parameters: parameterViews(t, s.parameters ?? {}, s.resolvedParameters),
    CreationTime: date(s.created),
    ...(s.status === 'DELETE_COMPLETE' && { DeletionTime: date(s.updated) }),
    ...((s.status.startsWith('UPDATE_') || deleted(s)) && s.updated !== s.created && { LastUpdatedTime: date(s.updated) }),
    RollbackConfiguration: {},
    ...statusView(s),
    DisableRollback: false,
    NotificationARNs: [],
    ...(s.capabilities?.length && { Capabilities: s.capabilities as sdk.Capability[] }),
    Outputs: outputViews(s, t),
    ...(s.roleArn !== undefined && { RoleARN: s.roleArn }),
    Tags: tagViews(s.tags ?? {}),
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function summaryView(s: ApiStack): sdk.StackSummary {
  const description = descriptionOf(storedTemplate(s.templateBody));
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ...(description !== undefined && { TemplateDescription: description }),
    CreationTime: date(s.created),
    ...(s.status.startsWith('UPDATE_') && { LastUpdatedTime: date(s.updated) }),
    ...(s.status === 'DELETE_COMPLETE' && { DeletionTime: date(s.updated) }),
    ...statusView(s),
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function eventView(s: ApiStack, e: StackEvent): sdk.StackEvent {
  return {
    StackId: s.stackId,
    EventId: e.eventId,
    StackName: s.stackName,
    LogicalResourceId: e.logicalResourceId,
    PhysicalResourceId: e.physicalResourceId,
    ResourceType: e.resourceType,
    Timestamp: date(e.timestamp),
    ResourceStatus: e.resourceStatus as sdk.ResourceStatus,
    ...(e.resourceStatusReason !== undefined && { ResourceStatusReason: e.resourceStatusReason }),
  };
}

/** A resource's status, reason and time: its latest event (the engine records one per resource change). */
function resourceState(s: ApiStack, logicalId: string) {
  for (let i = s.events.length - 1; i >= 0; i--) {
    const e = s.events[i];
    if (e.logicalResourceId === logicalId && e.resourceType !== 'AWS::CloudFormation::Stack')
      return { status: e.resourceStatus as sdk.ResourceStatus, reason: e.resourceStatusReason, time: date(e.timestamp) };
  }
  return { status: 'CREATE_COMPLETE' as sdk.ResourceStatus, reason: undefined, time: date(s.updated) };
}

export interface ResourceRow {
  logicalId: string;
  type: string;
  physicalId: string;
  status: sdk.ResourceStatus;
  reason?: string;
  time: Date;
}

export function resourceRows(s: ApiStack): ResourceRow[] {
  return s.resources.map((r) => {
    const st = resourceState(s, r.logicalId);
    return { logicalId: r.logicalId, type: r.type, physicalId: r.physicalId, status: st.status, ...(st.reason !== undefined && { reason: st.reason }), time: st.time };
  });
}

export function resourceRow(s: ApiStack, logicalId: string): ResourceRow {
  const row = resourceRows(s).find((r) => r.logicalId === logicalId);
  if (!row) throw validationError(`Resource ${logicalId} does not exist for stack ${s.stackName}`);
  return row;
}

/** The template's Metadata of a resource, as DescribeStackResource answers it (a JSON string). */
export function resourceMetadata(s: ApiStack, logicalId: string): string | undefined {
  const r = (storedTemplate(s.templateBody)?.Resources as Record<string, any> | undefined)?.[logicalId];
  return isObject(r) && r.Metadata !== undefined ? JSON.stringify(r.Metadata) : undefined;
}

export function changeSetSummary(s: ApiStack, cs: ChangeSetDocument): sdk.ChangeSetSummary {
  const extra = cs as ChangeSetDocument & { description?: string };
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ChangeSetId: cs.changeSetId,
    ChangeSetName: cs.changeSetName,
    ExecutionStatus: cs.executionStatus as sdk.ExecutionStatus,
    Status: cs.status as sdk.ChangeSetStatus,
    ...(cs.statusReason !== undefined && { StatusReason: cs.statusReason }),
    CreationTime: date(cs.created),
    ...(extra.description !== undefined && { Description: extra.description }),
    IncludeNestedStacks: false,
  };
}

export function changeSetView(s: ApiStack, cs: ChangeSetDocument): sdk.DescribeChangeSetOutput {
  const extra = cs as ChangeSetDocument & { description?: string };
  // Accepted for execution, not run yet: AWS shows EXECUTE_IN_PROGRESS.
  const executing = s.apiOperation?.kind === 'execute' && s.apiOperation.changeSetName === cs.changeSetName;
  const physical = new Map(s.resources.map((r) => [r.logicalId, r.physicalId]));
  return {
    ChangeSetName: cs.changeSetName,
    ChangeSetId: cs.changeSetId,
    StackId: s.stackId,
    StackName: s.stackName,
    ...(extra.description !== undefined && { Description: extra.description }),
    Parameters: parameterViews(storedTemplate(cs.templateBody), cs.parameters),
    CreationTime: date(cs.created),
    ExecutionStatus: executing ? 'EXECUTE_IN_PROGRESS' : (cs.executionStatus as sdk.ExecutionStatus),
    Status: cs.status as sdk.ChangeSetStatus,
    ...(cs.statusReason !== undefined && { StatusReason: cs.statusReason }),
    NotificationARNs: [],
    RollbackConfiguration: {},
    ...(cs.capabilities.length && { Capabilities: cs.capabilities as sdk.Capability[] }),
    Tags: tagViews(cs.tags),
    Changes: cs.changes.map((c) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: c.action,
        LogicalResourceId: c.logicalResourceId,
        ...(c.action !== 'Add' && physical.has(c.logicalResourceId) && { PhysicalResourceId: physical.get(c.logicalResourceId) }),
        ResourceType: c.resourceType,
        ...(c.action === 'Modify' && { Replacement: 'False' as const, Scope: ['Properties' as const] }),
        ...(c.action !== 'Modify' && { Scope: [] }),
        Details: [],
      },
    })),
    IncludeNestedStacks: false,
  };
}
