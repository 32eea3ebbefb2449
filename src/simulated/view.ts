// Read-only views of the simulated resources, for GET /_local/simulated (src/local/routes.ts): what a
// user checks after a deploy, without the bulky internals (templates, events, change set bodies).
import type { ChangeSetDocument, StackDocument } from '../stacks/documents.js';
import { parseTemplate } from '../stacks/template.js';
import type { DeploymentDocument } from '../providers/deploy/simulatedDeploy.js';
import type { StateMachineExecutionDocument } from '../providers/deploy/stepFunctions.js';
import type { Scope } from '../store/scope.js';
import type { SimulatedStore } from './store.js';

/** Where a resource came from: the pipeline action that last touched it, and that action's log. */
export interface ActionRef {
  pipeline: string;
  pipelineExecutionId: string;
  stage?: string;
  action?: string;
  actionExecutionId: string;
  logUrl: string;
}

export interface StackView {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  resources: { logicalId: string; type: string; physicalId: string; status?: string; simulated: boolean }[];
  changeSets: { changeSetName: string; status: ChangeSetDocument['status']; executionStatus: ChangeSetDocument['executionStatus']; statusReason?: string }[];
  created: string;
  updated: string;
  lastAction?: ActionRef;
}

export interface DeploymentView {
  provider: string;
  deploymentId: string;
  target?: string;
  status: DeploymentDocument['status'];
  configuration: Record<string, string>;
  created: string;
  source: ActionRef;
}

export interface ExecutionView {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: StateMachineExecutionDocument['status'];
  input: string;
  output?: string;
  error?: string;
  startDate: string;
  stopDate: string;
  source: ActionRef;
}

export type LogUrl = (actionExecutionId: string) => string;

/** Parameters the template declares NoEcho show as ****, as DescribeStacks shows them. */
function visibleParameters(s: StackDocument): Record<string, string> {
  if (s.noEchoParameters) return Object.fromEntries(Object.entries(s.parameters).map(([k, v]) => [k, s.noEchoParameters!.includes(k) ? '****' : v]));
  // Documents stored before the names were kept: read them from the template.
  let declared: Record<string, { NoEcho?: unknown }> = {};
  try {
    declared = (s.templateBody ? parseTemplate(s.templateBody).Parameters : undefined) ?? {};
  } catch {
    declared = {};
  }
  return Object.fromEntries(Object.entries(s.parameters).map(([k, v]) => [k, String(declared[k]?.NoEcho).toLowerCase() === 'true' ? '****' : v]));
}

export function stacksView(store: SimulatedStore, scope: Scope, logUrl: LogUrl): StackView[] {
  return store.list<StackDocument>(scope, 'cloudformation-stack').map(({ document: s }) => ({
    stackName: s.stackName,
    stackId: s.stackId,
    status: s.status,
    ...(s.statusReason && { statusReason: s.statusReason }),
    parameters: visibleParameters(s),
    outputs: s.outputs,
    resources: s.resources.map((r) => ({ logicalId: r.logicalId, type: r.type, physicalId: r.physicalId, ...(r.status && { status: r.status }), simulated: r.simulated ?? true })),
    changeSets: Object.values(s.changeSets).map((c) => ({
      changeSetName: c.changeSetName,
      status: c.status,
      executionStatus: c.executionStatus,
      ...(c.statusReason && { statusReason: c.statusReason }),
    })),
    created: s.created,
    updated: s.updated,
    ...(s.lastAction && { lastAction: { ...s.lastAction, logUrl: logUrl(s.lastAction.actionExecutionId) } }),
  }));
}

export function deploymentsView(store: SimulatedStore, scope: Scope, logUrl: LogUrl): DeploymentView[] {
  return store.list<DeploymentDocument>(scope, 'deployment').map(({ document: d }) => ({
    provider: d.provider,
    deploymentId: d.deploymentId,
    ...(d.target && { target: d.target }),
    status: d.status,
    configuration: d.configuration,
    created: d.created,
    source: {
      pipeline: d.pipeline,
      pipelineExecutionId: d.pipelineExecutionId,
      stage: d.stage,
      action: d.action,
      actionExecutionId: d.actionExecutionId,
      logUrl: logUrl(d.actionExecutionId),
    },
  }));
}

export function executionsView(store: SimulatedStore, scope: Scope, logUrl: LogUrl): ExecutionView[] {
  return store.list<StateMachineExecutionDocument>(scope, 'stepfunctions-execution').map(({ document: e }) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    input: e.input,
    ...(e.output !== undefined && { output: e.output }),
    ...(e.error !== undefined && { error: e.error }),
    startDate: e.startDate,
    stopDate: e.stopDate,
    source: { pipeline: e.pipeline, pipelineExecutionId: e.pipelineExecutionId, actionExecutionId: e.actionExecutionId, logUrl: logUrl(e.actionExecutionId) },
  }));
}
