// Deploy/CloudFormation: the pipeline action's modes over the stack engine of src/stacks/ (stacks are
// documents in the store: template, parameters, tags, capabilities, status, resources, outputs, change
// sets and events; resource types with a provisioner are created for real, the others are recorded as
// simulated). ActionMode CREATE_UPDATE,
// REPLACE_ON_FAILURE, DELETE_ONLY, CHANGE_SET_REPLACE and CHANGE_SET_EXECUTE behave as the action
// reference describes; the stack's outputs become the action's output variables and, with
// OutputFileName, a JSON file in the output artifact. simulate.failDeployments makes the stack
// operation fail (a new stack ends ROLLBACK_COMPLETE, an update UPDATE_ROLLBACK_COMPLETE).
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import { byteCount, type ActionLog } from '../../logs/actionLogs.js';
import type { StackDocument, StackTemplate } from '../../stacks/documents.js';
import { StackFailure, StackOperation } from '../../stacks/operation.js';
import { pendingStatus } from '../../services/cloudformation/pendingOperation.js';
import type { ProvisionerRegistry } from '../../stacks/provisioners.js';
import { TemplateError, parseTemplate, requiredCapabilities, resolveParameters, type ParameterLookup, type Template } from '../../stacks/template.js';
import type { Engine } from '../../engine/engine.js';
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

export type { ChangeSetDocument, StackDocument, StackEvent } from '../../stacks/documents.js';

export const ACTION_MODES = ['CREATE_UPDATE', 'DELETE_ONLY', 'REPLACE_ON_FAILURE', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE'];

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** What the action's stacks are built with: the resource types created for real, the SSM parameter lookup. */
export interface StackParts {
  provisioners?: ProvisionerRegistry;
  parameterLookup?: ParameterLookup;
}

export class CloudFormationProvider extends InProcessProvider {
  constructor(
    engine: Engine,
    readonly stackParts: StackParts = {},
  ) {
    super(engine);
  }

  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    const c = start.resolvedConfiguration;
    const mode = c.ActionMode;
    const scope = scopeOf(start);
    log.note(`ActionMode ${mode} on the stack ${c.StackName} (account ${scope.account}, region ${scope.region})${c.ChangeSetName ? `, change set ${c.ChangeSetName}` : ''}`);
    if (!ACTION_MODES.includes(mode))
      throw new ActionFailure(`ActionMode '${mode}' is not valid; valid modes are ${ACTION_MODES.join(', ')}`, 'ConfigurationError');
    if (mode.startsWith('CHANGE_SET') && !c.ChangeSetName) throw new ActionFailure(`ChangeSetName is required when ActionMode is ${mode}`, 'ConfigurationError');
    try {
      return await new StackAction(this, start, log).run(mode);
    } catch (e) {
      // The stack's own failures are the action's, naming the stack or change set.
      if (e instanceof StackFailure) throw new ActionFailure(e.message, e.code, e.externalExecutionId ? { externalExecutionId: e.externalExecutionId } : {});
      throw e;
    }
  }

  /** Shared access for the operation helper. */
  get eng() {
    return this.engine;
  }
}

/** "(2 resources created, 1 simulated)": what the stack holds, real and recorded only. */
function resourceCounts(s: StackDocument): string {
  const simulated = s.resources.filter((r) => r.simulated ?? true).length;
  const real = s.resources.length - simulated;
  return `(${real} resource${real === 1 ? '' : 's'} provisioned, ${simulated} simulated)`;
}

/** One run of the action: what it asks for (template, parameters...) read from its artifacts, then the stack operation. */
class StackAction {
  private readonly c: Record<string, string>;
  private readonly simulateFailure: boolean;
  private readonly stack: StackOperation;

  constructor(
    private readonly p: CloudFormationProvider,
    private readonly start: ActionStart,
    private readonly log: ActionLog,
  ) {
    this.c = start.resolvedConfiguration;
    this.simulateFailure = failureSimulated(p.eng, start);
    this.stack = new StackOperation(p.eng.store, scopeOf(start), this.c.StackName, {
      now: p.eng.clock.now(),
      clock: () => p.eng.clock.now(),
      provisioners: p.stackParts.provisioners,
      parameterLookup: p.stackParts.parameterLookup,
      simulateFailure: this.simulateFailure,
      origin: {
        pipeline: start.execution.pipeline,
        pipelineExecutionId: start.execution.id,
        stage: start.stage.name!,
        action: start.action.name!,
        actionExecutionId: start.actionExecution.id,
      },
      note: (line) => log.note(line),
    });
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
  private async desired(): Promise<StackTemplate> {
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

  /**
   * The stack as it is now, read again after any wait (another action or the CloudFormation API may
   * have changed it meanwhile). One the API accepted an operation on, not started yet, is busy.
   */
  private current(): StackDocument | undefined {
    const s = this.stack.load();
    const pending = s && pendingStatus(s);
    if (s && pending) throw new ActionFailure(`Stack:${s.stackId} is in ${pending} state and can not be updated.`, 'JobFailed', { externalExecutionId: s.stackId });
    return s;
  }

  async run(mode: string): Promise<ActionResult> {
    const name = this.c.StackName;
    switch (mode) {
      case 'DELETE_ONLY': {
        const existing = this.current();
        if (!existing) return this.succeeded(undefined, `Stack ${name} does not exist; nothing to delete`, false);
        await this.stack.delete(existing);
        return this.succeeded(existing, `Deleted the stack ${name}`, false);
      }
      case 'CREATE_UPDATE':
      case 'REPLACE_ON_FAILURE': {
        const d = await this.desired();
        const existing = this.current();
        if (!existing || existing.status === 'REVIEW_IN_PROGRESS') {
          const s = await this.stack.apply(existing ?? this.stack.newStack(), d, true);
          return this.succeeded(s, `Created the stack ${name} ${resourceCounts(s)}`, true);
        }
        if (StackOperation.failed(existing)) {
          if (mode === 'CREATE_UPDATE')
            throw new ActionFailure(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`, 'JobFailed', { externalExecutionId: existing.stackId });
          await this.stack.delete(existing);
          const s = await this.stack.apply(this.stack.newStack(), d, true);
          return this.succeeded(s, `Replaced the failed stack ${name} ${resourceCounts(s)}`, true);
        }
        if (this.stack.unchanged(existing, d) && !this.simulateFailure) return this.succeeded(existing, `No updates are to be performed on the stack ${name}`, true);
        const s = await this.stack.apply(existing, d, false);
        return this.succeeded(s, `Updated the stack ${name} ${resourceCounts(s)}`, true);
      }
      case 'CHANGE_SET_REPLACE':
        return this.changeSetReplace();
      default:
        return this.changeSetExecute(this.current());
    }
  }

  private async changeSetReplace(): Promise<ActionResult> {
    const d = await this.desired();
    const existing = this.current();
    const csName = this.c.ChangeSetName;
    const { stack: s, changeSet: cs, noChanges } = await this.stack.createChangeSet(existing, csName, d);
    const changes = cs.changes;
    this.log.note(
      `Change set ${csName}: ${cs.status}${cs.statusReason ? ` (${cs.statusReason})` : ''}; changes: ${changes.map((x) => `${x.action} ${x.logicalResourceId} (${x.resourceType})`).join(', ') || 'none'}`,
    );
    if (this.simulateFailure) this.stack.failChangeSet(s, cs);
    const summary = noChanges
      ? `Change set ${csName} of the stack ${s.stackName} has no changes`
      : `Created the change set ${csName} of the stack ${s.stackName} with ${changes.length} change${changes.length === 1 ? '' : 's'}`;
    return this.succeeded(s, summary, false, cs.changeSetId);
  }

  private async changeSetExecute(existing: StackDocument | undefined): Promise<ActionResult> {
    const csName = this.c.ChangeSetName;
    const { stack: s, changeSet: cs, executed } = await this.stack.executeChangeSet(existing, csName);
    if (!executed) return this.succeeded(s, `Change set ${csName} had no changes to execute on the stack ${s.stackName}`, true, cs.changeSetId);
    return this.succeeded(s, `Executed the change set ${csName} on the stack ${s.stackName} ${resourceCounts(s)}`, true, cs.changeSetId);
  }
}
