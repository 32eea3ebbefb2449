// Deploy/CloudFormation, simulated: stacks are records in the store (template, parameters, tags,
// capabilities, status, simulated resources, outputs, change sets and events); no resource is created.
// ActionMode CREATE_UPDATE, REPLACE_ON_FAILURE, DELETE_ONLY, CHANGE_SET_REPLACE and CHANGE_SET_EXECUTE
// behave as the action reference describes; the stack's outputs become the action's output variables
// and, with OutputFileName, a JSON file in the output artifact. simulate.failDeployments makes the
// stack operation fail (a new stack ends ROLLBACK_COMPLETE, an update UPDATE_ROLLBACK_COMPLETE).
import { randomUUID } from 'node:crypto';
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import { byteCount, type ActionLog } from '../../logs/actionLogs.js';
import {
  ActionFailure,
  InProcessProvider,
  artifactFile,
  failureSimulated,
  parseArtifactPath,
  parseJson,
  scopeOf,
  writeOutputArtifact,
} from './common.js';
import { TemplateError, evaluateOutputs, parseTemplate, requiredCapabilities, resolveParameters, stackResources, type Template } from './cfnTemplate.js';

export const ACTION_MODES = ['CREATE_UPDATE', 'DELETE_ONLY', 'REPLACE_ON_FAILURE', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE'];

/** Stack states REPLACE_ON_FAILURE replaces. */
const FAILED_STATES = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED'];
const MAX_EVENTS = 1000;

export interface StackEvent {
  eventId: string;
  timestamp: string;
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  resourceStatus: string;
  resourceStatusReason?: string;
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
  resources: { logicalId: string; type: string; physicalId: string }[];
  outputs: Record<string, string>;
  exports: Record<string, string>;
  changeSets: Record<string, ChangeSetDocument>;
  events: StackEvent[];
  created: string;
  updated: string;
  /** The pipeline action that last touched the stack. */
  lastAction?: { pipeline: string; pipelineExecutionId: string; stage: string; action: string; actionExecutionId: string };
}

interface Desired {
  templateBody: string;
  template: Template;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  stackPolicy?: unknown;
  roleArn?: string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export class CloudFormationProvider extends InProcessProvider {
  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    const c = start.resolvedConfiguration;
    const mode = c.ActionMode;
    const scope = scopeOf(start);
    log.note(`ActionMode ${mode} on the simulated stack ${c.StackName} (account ${scope.account}, region ${scope.region})${c.ChangeSetName ? `, change set ${c.ChangeSetName}` : ''}`);
    if (!ACTION_MODES.includes(mode))
      throw new ActionFailure(`ActionMode '${mode}' is not valid; valid modes are ${ACTION_MODES.join(', ')}`, 'ConfigurationError');
    if (mode.startsWith('CHANGE_SET') && !c.ChangeSetName) throw new ActionFailure(`ChangeSetName is required when ActionMode is ${mode}`, 'ConfigurationError');
    return new StackOperation(this, start, log).run(mode);
  }

  /** Shared access for the operation helper. */
  get eng() {
    return this.engine;
  }
}

class StackOperation {
  private readonly now: number;
  private readonly scope;
  private readonly c: Record<string, string>;
  private readonly simulateFailure: boolean;

  constructor(
    private readonly p: CloudFormationProvider,
    private readonly start: ActionStart,
    private readonly log: ActionLog,
  ) {
    this.now = p.eng.clock.now();
    this.scope = scopeOf(start);
    this.c = start.resolvedConfiguration;
    this.simulateFailure = failureSimulated(p.eng, start);
  }

  private get store() {
    return this.p.eng.store.simulated;
  }

  private load(): StackDocument | undefined {
    const s = this.store.get<StackDocument>(this.scope, 'cloudformation-stack', this.c.StackName)?.document;
    return s && s.status !== 'DELETE_COMPLETE' ? s : undefined;
  }

  private save(s: StackDocument) {
    s.updated = new Date(this.now).toISOString();
    s.lastAction = {
      pipeline: this.start.execution.pipeline,
      pipelineExecutionId: this.start.execution.id,
      stage: this.start.stage.name!,
      action: this.start.action.name!,
      actionExecutionId: this.start.actionExecution.id,
    };
    if (s.events.length > MAX_EVENTS) s.events.splice(0, s.events.length - MAX_EVENTS);
    this.p.eng.store.tx(() => this.store.put(this.scope, 'cloudformation-stack', s.stackName, s, this.now));
  }

  private event(s: StackDocument, status: string, reason?: string, resource?: { logicalId: string; type: string; physicalId: string }) {
    const type = resource?.type ?? 'AWS::CloudFormation::Stack';
    this.log.note(`Stack event: ${resource?.logicalId ?? s.stackName} ${type} ${status}${reason ? ` (${reason})` : ''}`);
    s.events.push({
      eventId: randomUUID(),
      timestamp: new Date(this.now).toISOString(),
      logicalResourceId: resource?.logicalId ?? s.stackName,
      physicalResourceId: resource?.physicalId ?? s.stackId,
      resourceType: resource?.type ?? 'AWS::CloudFormation::Stack',
      resourceStatus: status,
      ...(reason && { resourceStatusReason: reason }),
    });
  }

  private newStack(): StackDocument {
    const now = new Date(this.now).toISOString();
    return {
      stackId: `arn:aws:cloudformation:${this.scope.region}:${this.scope.account}:stack/${this.c.StackName}/${randomUUID()}`,
      stackName: this.c.StackName,
      status: 'REVIEW_IN_PROGRESS',
      parameters: {},
      capabilities: [],
      tags: {},
      resources: [],
      outputs: {},
      exports: {},
      changeSets: {},
      events: [],
      created: now,
      updated: now,
    };
  }

  /** Exports of the other live stacks in the account and region, for Fn::ImportValue. */
  private exportsOfOthers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.store.list<StackDocument>(this.scope, 'cloudformation-stack'))
      if (r.name !== this.c.StackName && r.document.status !== 'DELETE_COMPLETE') Object.assign(out, r.document.exports);
    return out;
  }

  private async readArtifactRef(ref: string, property: string): Promise<string> {
    const { artifact, path } = parseArtifactPath(ref, property);
    return (await artifactFile(this.p.eng, this.start, artifact, path)).toString('utf8');
  }

  /** ParameterOverrides: a JSON object of strings, Fn::GetParam and Fn::GetArtifactAtt. */
  private async parameterOverrides(): Promise<Record<string, string>> {
    const raw = this.c.ParameterOverrides;
    if (!raw) return {};
    const doc = parseJson(raw, 'ParameterOverrides');
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ActionFailure('ParameterOverrides must be a JSON object', 'ConfigurationError');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) out[k] = await this.overrideValue(k, v);
    return out;
  }

  private async overrideValue(name: string, v: unknown): Promise<string> {
    if (v === null || typeof v !== 'object') return String(v);
    const fn = v as Record<string, unknown>;
    const args = (fn['Fn::GetParam'] ?? fn['Fn::GetArtifactAtt']) as unknown[] | undefined;
    if (!Array.isArray(args)) throw new ActionFailure(`ParameterOverrides: the value of '${name}' must be a string, Fn::GetParam or Fn::GetArtifactAtt`, 'ConfigurationError');
    if ('Fn::GetParam' in fn) {
      const [artifact, file, key] = args.map(String);
      const body = await this.readArtifactRef(`${artifact}::${file}`, 'Fn::GetParam');
      const json = parseJson(body, `The file '${file}' of the artifact '${artifact}'`) as Record<string, unknown>;
      if (!json || typeof json !== 'object' || !(key in json)) throw new ActionFailure(`Fn::GetParam: the key '${key}' is not in the file '${file}' of the artifact '${artifact}'`);
      const value = json[key];
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    const [artifact, attr] = args.map(String);
    const input = this.start.inputArtifacts.find((a) => a.name === artifact);
    if (!input?.s3location) throw new ActionFailure(`Fn::GetArtifactAtt: '${artifact}' is not an input artifact of the action`, 'ConfigurationError');
    const { bucket, key } = input.s3location as { bucket: string; key: string };
    if (attr === 'BucketName') return bucket;
    if (attr === 'ObjectKey') return key;
    if (attr === 'URL') return `${this.p.eng.baseUrl}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    throw new ActionFailure(`Fn::GetArtifactAtt: attribute '${attr}' is not one of BucketName, ObjectKey, URL`, 'ConfigurationError');
  }

  /** The template, parameters, tags and capabilities the action asks for. */
  private async desired(): Promise<Desired> {
    if (!this.c.TemplatePath) throw new ActionFailure(`TemplatePath is required when ActionMode is ${this.c.ActionMode}`, 'ConfigurationError');
    const templateBody = await this.readArtifactRef(this.c.TemplatePath, 'TemplatePath');
    this.log.note(`Read the template ${this.c.TemplatePath} (${byteCount(Buffer.byteLength(templateBody))})`);
    let config: { Parameters?: Record<string, unknown>; Tags?: Record<string, unknown>; StackPolicy?: unknown } = {};
    if (this.c.TemplateConfiguration) {
      const body = await this.readArtifactRef(this.c.TemplateConfiguration, 'TemplateConfiguration');
      const doc = parseJson(body, `The template configuration file ${this.c.TemplateConfiguration}`);
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ActionFailure('The template configuration file must hold a JSON object');
      config = doc as typeof config;
    }
    const strings = (m: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));
    const overrides = await this.parameterOverrides();
    let template: Template;
    let parameters: Record<string, string>;
    try {
      template = parseTemplate(templateBody);
      parameters = resolveParameters(template, { ...strings(config.Parameters), ...overrides });
    } catch (e) {
      if (e instanceof TemplateError) throw new ActionFailure(e.message);
      throw e;
    }
    // NoEcho parameters show as **** (as CloudFormation's console shows them).
    const declared = (template.Parameters ?? {}) as Record<string, { NoEcho?: unknown }>;
    const shown = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(declared[k]?.NoEcho).toLowerCase() === 'true' ? '****' : v]));
    this.log.note(`Parameters: ${JSON.stringify(shown)}`);
    const capabilities = list(this.c.Capabilities);
    const missing = requiredCapabilities(template).filter((cap) => !capabilities.includes(cap) && !(cap === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_NAMED_IAM')));
    if (missing.length) throw new ActionFailure(`Requires capabilities : [${missing.join(', ')}]`, 'ConfigurationError');
    return {
      templateBody,
      template,
      parameters,
      capabilities,
      tags: strings(config.Tags),
      ...(config.StackPolicy !== undefined && { stackPolicy: config.StackPolicy }),
      ...(this.c.RoleArn && { roleArn: this.c.RoleArn }),
    };
  }

  /** Applies a template to the stack: create (new) or update (existing), or their simulated failure. */
  private apply(s: StackDocument, d: Desired, creating: boolean): StackDocument {
    const verb = creating ? 'CREATE' : 'UPDATE';
    const ctx = { stackName: s.stackName, stackId: s.stackId, account: this.scope.account, region: this.scope.region, parameters: d.parameters, exports: this.exportsOfOthers() };
    let resources: StackDocument['resources'];
    let evaluated: ReturnType<typeof evaluateOutputs>;
    try {
      resources = stackResources(d.template, ctx);
      evaluated = evaluateOutputs(d.template, ctx);
    } catch (e) {
      if (e instanceof TemplateError) throw new ActionFailure(e.message);
      throw e;
    }
    this.event(s, `${verb}_IN_PROGRESS`, 'User Initiated');
    if (this.simulateFailure) {
      const reason = 'The following resource(s) failed to create: simulated failure (simulate.failDeployments names this action)';
      const first = resources[0];
      if (first) this.event(s, `${verb}_FAILED`, 'Simulated failure (simulate.failDeployments)', first);
      if (creating) {
        this.event(s, 'ROLLBACK_IN_PROGRESS', reason);
        this.event(s, 'ROLLBACK_COMPLETE');
        s.status = 'ROLLBACK_COMPLETE';
      } else {
        this.event(s, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
        this.event(s, 'UPDATE_ROLLBACK_COMPLETE');
        s.status = 'UPDATE_ROLLBACK_COMPLETE';
      }
      s.statusReason = reason;
      this.save(s);
      throw new ActionFailure(`Stack ${s.stackName} failed: ${s.status} (simulated failure: simulate.failDeployments names this action)`, 'JobFailed', {
        externalExecutionId: s.stackId,
      });
    }
    const before = new Set(s.resources.map((r) => r.logicalId));
    for (const r of resources) {
      const status = before.has(r.logicalId) ? 'UPDATE' : 'CREATE';
      this.event(s, `${status}_IN_PROGRESS`, undefined, r);
      this.event(s, `${status}_COMPLETE`, undefined, r);
    }
    for (const r of s.resources.filter((x) => !resources.some((y) => y.logicalId === x.logicalId))) {
      this.event(s, 'DELETE_IN_PROGRESS', undefined, r);
      this.event(s, 'DELETE_COMPLETE', undefined, r);
    }
    Object.assign(s, {
      templateBody: d.templateBody,
      parameters: d.parameters,
      capabilities: d.capabilities,
      tags: d.tags,
      stackPolicy: d.stackPolicy,
      roleArn: d.roleArn,
      resources,
      outputs: evaluated.outputs,
      exports: evaluated.exports,
      status: `${verb}_COMPLETE`,
      statusReason: undefined,
    });
    this.event(s, `${verb}_COMPLETE`);
    this.save(s);
    return s;
  }

  private unchanged(s: StackDocument, d: Desired) {
    return s.templateBody === d.templateBody && JSON.stringify(s.parameters) === JSON.stringify(d.parameters) && JSON.stringify(s.tags) === JSON.stringify(d.tags);
  }

  private deleteStack(s: StackDocument) {
    this.event(s, 'DELETE_IN_PROGRESS', 'User Initiated');
    if (this.simulateFailure) {
      s.status = 'DELETE_FAILED';
      s.statusReason = 'Simulated failure (simulate.failDeployments names this action)';
      this.event(s, 'DELETE_FAILED', s.statusReason);
      this.save(s);
      throw new ActionFailure(`Stack ${s.stackName} failed: DELETE_FAILED (simulated failure: simulate.failDeployments names this action)`, 'JobFailed', {
        externalExecutionId: s.stackId,
      });
    }
    for (const r of [...s.resources].reverse()) {
      this.event(s, 'DELETE_IN_PROGRESS', undefined, r);
      this.event(s, 'DELETE_COMPLETE', undefined, r);
    }
    s.status = 'DELETE_COMPLETE';
    s.resources = [];
    s.exports = {};
    s.changeSets = {};
    this.event(s, 'DELETE_COMPLETE');
    this.save(s);
  }

  private async succeeded(s: StackDocument | undefined, summary: string, withOutputs: boolean, externalExecutionId?: string): Promise<ActionResult> {
    const outputs = withOutputs && s ? s.outputs : {};
    if (s) this.log.note(`Stack ${s.stackName} is ${s.status}${withOutputs ? `; outputs: ${JSON.stringify(outputs)}` : ''}`);
    const out = this.start.outputArtifacts[0];
    if (out) {
      const file = this.c.OutputFileName;
      await writeOutputArtifact(this.p.eng, this.start, file ? [{ path: file, data: Buffer.from(JSON.stringify(outputs, null, 2)) }] : [], undefined, this.log);
    }
    return {
      status: 'Succeeded',
      summary,
      ...((externalExecutionId ?? s?.stackId) && { externalExecutionId: externalExecutionId ?? s?.stackId }),
      ...(withOutputs && s && Object.keys(s.outputs).length > 0 && { outputVariables: { ...s.outputs } }),
    };
  }

  async run(mode: string): Promise<ActionResult> {
    const name = this.c.StackName;
    const existing = this.load();
    switch (mode) {
      case 'DELETE_ONLY': {
        if (!existing) return this.succeeded(undefined, `Stack ${name} does not exist; nothing to delete`, false);
        this.deleteStack(existing);
        return this.succeeded(existing, `Deleted the stack ${name} (simulated)`, false);
      }
      case 'CREATE_UPDATE':
      case 'REPLACE_ON_FAILURE': {
        const d = await this.desired();
        if (!existing || existing.status === 'REVIEW_IN_PROGRESS') {
          const s = this.apply(existing ?? this.newStack(), d, true);
          return this.succeeded(s, `Created the stack ${name} (simulated: no resources were provisioned)`, true);
        }
        if (FAILED_STATES.includes(existing.status)) {
          if (mode === 'CREATE_UPDATE')
            throw new ActionFailure(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`, 'JobFailed', { externalExecutionId: existing.stackId });
          this.deleteStack(existing);
          const s = this.apply(this.newStack(), d, true);
          return this.succeeded(s, `Replaced the failed stack ${name} (simulated: no resources were provisioned)`, true);
        }
        if (this.unchanged(existing, d) && !this.simulateFailure) return this.succeeded(existing, `No updates are to be performed on the stack ${name}`, true);
        const s = this.apply(existing, d, false);
        return this.succeeded(s, `Updated the stack ${name} (simulated: no resources were provisioned)`, true);
      }
      case 'CHANGE_SET_REPLACE':
        return this.changeSetReplace(existing);
      default:
        return this.changeSetExecute(existing);
    }
  }

  private async changeSetReplace(existing: StackDocument | undefined): Promise<ActionResult> {
    const d = await this.desired();
    const csName = this.c.ChangeSetName;
    if (existing && FAILED_STATES.includes(existing.status) && existing.status !== 'ROLLBACK_COMPLETE')
      throw new ActionFailure(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
    const s = existing && existing.status !== 'ROLLBACK_COMPLETE' ? existing : this.newStack();
    if (existing && existing.status === 'ROLLBACK_COMPLETE') this.deleteStack(existing);
    if (s.events.length === 0) this.event(s, 'REVIEW_IN_PROGRESS', 'User Initiated');
    const ctx = { stackName: s.stackName, stackId: s.stackId, account: this.scope.account, region: this.scope.region, parameters: d.parameters, exports: this.exportsOfOthers() };
    let next: StackDocument['resources'];
    try {
      next = stackResources(d.template, ctx);
    } catch (e) {
      if (e instanceof TemplateError) throw new ActionFailure(e.message);
      throw e;
    }
    const prev = new Map(s.resources.map((r) => [r.logicalId, r]));
    const changes: ChangeSetDocument['changes'] = [];
    const templateChanged = s.templateBody !== d.templateBody || JSON.stringify(s.parameters) !== JSON.stringify(d.parameters);
    for (const r of next) {
      if (!prev.has(r.logicalId)) changes.push({ action: 'Add', logicalResourceId: r.logicalId, resourceType: r.type });
      else if (templateChanged) changes.push({ action: 'Modify', logicalResourceId: r.logicalId, resourceType: r.type });
    }
    for (const r of s.resources) if (!next.some((x) => x.logicalId === r.logicalId)) changes.push({ action: 'Remove', logicalResourceId: r.logicalId, resourceType: r.type });
    const noChanges = changes.length === 0 && !templateChanged;
    const cs: ChangeSetDocument = {
      changeSetId: `arn:aws:cloudformation:${this.scope.region}:${this.scope.account}:changeSet/${csName}/${randomUUID()}`,
      changeSetName: csName,
      status: this.simulateFailure || noChanges ? 'FAILED' : 'CREATE_COMPLETE',
      executionStatus: this.simulateFailure || noChanges ? 'UNAVAILABLE' : 'AVAILABLE',
      ...(noChanges && { statusReason: "The submitted information didn't contain changes. Submit different information to create a change set." }),
      ...(this.simulateFailure && { statusReason: 'Simulated failure (simulate.failDeployments names this action)' }),
      templateBody: d.templateBody,
      parameters: d.parameters,
      capabilities: d.capabilities,
      tags: d.tags,
      ...(d.roleArn && { roleArn: d.roleArn }),
      changes,
      created: new Date(this.now).toISOString(),
    };
    s.changeSets[csName] = cs;
    this.save(s);
    this.log.note(
      `Change set ${csName}: ${cs.status}${cs.statusReason ? ` (${cs.statusReason})` : ''}; changes: ${changes.map((x) => `${x.action} ${x.logicalResourceId} (${x.resourceType})`).join(', ') || 'none'}`,
    );
    if (this.simulateFailure)
      throw new ActionFailure(`Change set ${csName} of the stack ${s.stackName} failed: FAILED (simulated failure: simulate.failDeployments names this action)`, 'JobFailed', {
        externalExecutionId: cs.changeSetId,
      });
    const summary = noChanges
      ? `Change set ${csName} of the stack ${s.stackName} has no changes`
      : `Created the change set ${csName} of the stack ${s.stackName} with ${changes.length} change${changes.length === 1 ? '' : 's'} (simulated)`;
    return this.succeeded(s, summary, false, cs.changeSetId);
  }

  private async changeSetExecute(existing: StackDocument | undefined): Promise<ActionResult> {
    const csName = this.c.ChangeSetName;
    const cs = existing?.changeSets[csName];
    if (!existing || !cs) throw new ActionFailure(`ChangeSet [${csName}] does not exist`);
    if (cs.status === 'FAILED' && cs.statusReason?.startsWith("The submitted information didn't contain changes")) {
      delete existing.changeSets[csName];
      this.save(existing);
      return this.succeeded(existing, `Change set ${csName} had no changes to execute on the stack ${existing.stackName}`, true, cs.changeSetId);
    }
    if (cs.executionStatus !== 'AVAILABLE')
      throw new ActionFailure(`ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`);
    const creating = existing.status === 'REVIEW_IN_PROGRESS';
    const d: Desired = {
      templateBody: cs.templateBody,
      template: parseTemplate(cs.templateBody),
      parameters: cs.parameters,
      capabilities: cs.capabilities,
      tags: cs.tags,
      ...(cs.roleArn && { roleArn: cs.roleArn }),
    };
    // Executing a change set removes every change set of the stack, as CloudFormation does.
    existing.changeSets = {};
    const s = this.apply(existing, d, creating);
    return this.succeeded(s, `Executed the change set ${csName} on the stack ${s.stackName} (simulated: no resources were provisioned)`, true, cs.changeSetId);
  }
}
