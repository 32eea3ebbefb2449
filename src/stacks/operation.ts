// The stack lifecycle, simulated: one operation on one stack (create, update, delete, create or execute
// a change set) records the events CloudFormation would, computes the simulated resources and outputs
// from the template, and saves the stack document in its own transaction. No resource is created.
// The Deploy/CloudFormation action (src/providers/deploy/cloudformation.ts) drives it; a CloudFormation
// API would drive the same operations, so both agree on what a stack is.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import {
  FAILED_STATES,
  MAX_EVENTS,
  NO_CHANGES_REASON,
  STACK_KIND,
  type ChangeSetDocument,
  type StackDocument,
  type StackOrigin,
  type StackResource,
  type StackTemplate,
} from './documents.js';
import { TemplateError, evaluateOutputs, parseTemplate, stackResources } from './template.js';

/** A stack operation that failed: the message, the error code, and the stack or change set it names. */
export class StackFailure extends Error {
  constructor(
    message: string,
    readonly code: string = 'JobFailed',
    readonly externalExecutionId?: string,
  ) {
    super(message);
  }
}

export interface StackOperationOptions {
  /** The operation's time (every event and the document's updated time). */
  now: number;
  /** The operation fails as a real one would (simulate.failDeployments). */
  simulateFailure: boolean;
  /** Recorded as the stack's lastAction on every save. */
  origin?: StackOrigin;
  /** Told each event as a line ("<logical id> <type> <status> (<reason>)"), e.g. for an action's log. */
  note?: (line: string) => void;
}

const SIMULATED = 'simulate.failDeployments names this action';

/** A template's failure to evaluate becomes the stack operation's failure. */
function evaluating<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof TemplateError) throw new StackFailure(e.message);
    throw e;
  }
}

export class StackOperation {
  constructor(
    private readonly store: Store,
    private readonly scope: Scope,
    readonly stackName: string,
    private readonly options: StackOperationOptions,
  ) {}

  /** The live stack (a deleted one counts as missing). */
  load(): StackDocument | undefined {
    const s = this.store.simulated.get<StackDocument>(this.scope, STACK_KIND, this.stackName)?.document;
    return s && s.status !== 'DELETE_COMPLETE' ? s : undefined;
  }

  save(s: StackDocument) {
    const { now, origin } = this.options;
    s.updated = new Date(now).toISOString();
    if (origin) s.lastAction = { ...origin };
    if (s.events.length > MAX_EVENTS) s.events.splice(0, s.events.length - MAX_EVENTS);
    this.store.tx(() => this.store.simulated.put(this.scope, STACK_KIND, s.stackName, s, now));
  }

  event(s: StackDocument, status: string, reason?: string, resource?: StackResource) {
    const type = resource?.type ?? 'AWS::CloudFormation::Stack';
    this.options.note?.(`Stack event: ${resource?.logicalId ?? s.stackName} ${type} ${status}${reason ? ` (${reason})` : ''}`);
    s.events.push({
      eventId: randomUUID(),
      timestamp: new Date(this.options.now).toISOString(),
      logicalResourceId: resource?.logicalId ?? s.stackName,
      physicalResourceId: resource?.physicalId ?? s.stackId,
      resourceType: resource?.type ?? 'AWS::CloudFormation::Stack',
      resourceStatus: status,
      ...(reason && { resourceStatusReason: reason }),
    });
  }

  /** A stack not created yet (REVIEW_IN_PROGRESS until a create or a change set). */
  newStack(): StackDocument {
    const now = new Date(this.options.now).toISOString();
    return {
      stackId: `arn:aws:cloudformation:${this.scope.region}:${this.scope.account}:stack/${this.stackName}/${randomUUID()}`,
      stackName: this.stackName,
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
    for (const r of this.store.simulated.list<StackDocument>(this.scope, STACK_KIND))
      if (r.name !== this.stackName && r.document.status !== 'DELETE_COMPLETE') Object.assign(out, r.document.exports);
    return out;
  }

  private context(s: StackDocument, d: StackTemplate) {
    return { stackName: s.stackName, stackId: s.stackId, account: this.scope.account, region: this.scope.region, parameters: d.parameters, exports: this.exportsOfOthers() };
  }

  /** Whether the stack is in a state an update refuses (and a replacement replaces). */
  static failed(s: StackDocument): boolean {
    return FAILED_STATES.includes(s.status);
  }

  /** Applies a template to the stack: create (new) or update (existing), or their simulated failure. */
  apply(s: StackDocument, d: StackTemplate, creating: boolean): StackDocument {
    const verb = creating ? 'CREATE' : 'UPDATE';
    const ctx = this.context(s, d);
    const { resources, evaluated } = evaluating(() => ({ resources: stackResources(d.template, ctx), evaluated: evaluateOutputs(d.template, ctx) }));
    this.event(s, `${verb}_IN_PROGRESS`, 'User Initiated');
    if (this.options.simulateFailure) {
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
      throw new StackFailure(`Stack ${s.stackName} failed: ${s.status} (simulated failure: ${SIMULATED})`, 'JobFailed', s.stackId);
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

  /** Whether applying `d` would change nothing (same template, parameters and tags). */
  unchanged(s: StackDocument, d: StackTemplate) {
    return s.templateBody === d.templateBody && JSON.stringify(s.parameters) === JSON.stringify(d.parameters) && JSON.stringify(s.tags) === JSON.stringify(d.tags);
  }

  delete(s: StackDocument) {
    this.event(s, 'DELETE_IN_PROGRESS', 'User Initiated');
    if (this.options.simulateFailure) {
      s.status = 'DELETE_FAILED';
      s.statusReason = 'Simulated failure (simulate.failDeployments names this action)';
      this.event(s, 'DELETE_FAILED', s.statusReason);
      this.save(s);
      throw new StackFailure(`Stack ${s.stackName} failed: DELETE_FAILED (simulated failure: ${SIMULATED})`, 'JobFailed', s.stackId);
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

  /**
   * Creates (or replaces) the change set `name` from `d` on the existing stack, or on a new one (a
   * stack in ROLLBACK_COMPLETE is deleted and created anew). A change set with no changes is saved as
   * FAILED, as CloudFormation does; a simulated failure saves it FAILED and throws.
   */
  createChangeSet(existing: StackDocument | undefined, name: string, d: StackTemplate): { stack: StackDocument; changeSet: ChangeSetDocument; noChanges: boolean } {
    if (existing && StackOperation.failed(existing) && existing.status !== 'ROLLBACK_COMPLETE')
      throw new StackFailure(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
    const s = existing && existing.status !== 'ROLLBACK_COMPLETE' ? existing : this.newStack();
    if (existing && existing.status === 'ROLLBACK_COMPLETE') this.delete(existing);
    if (s.events.length === 0) this.event(s, 'REVIEW_IN_PROGRESS', 'User Initiated');
    const ctx = this.context(s, d);
    const next = evaluating(() => stackResources(d.template, ctx));
    const prev = new Map(s.resources.map((r) => [r.logicalId, r]));
    const changes: ChangeSetDocument['changes'] = [];
    const templateChanged = s.templateBody !== d.templateBody || JSON.stringify(s.parameters) !== JSON.stringify(d.parameters);
    for (const r of next) {
      if (!prev.has(r.logicalId)) changes.push({ action: 'Add', logicalResourceId: r.logicalId, resourceType: r.type });
      else if (templateChanged) changes.push({ action: 'Modify', logicalResourceId: r.logicalId, resourceType: r.type });
    }
    for (const r of s.resources) if (!next.some((x) => x.logicalId === r.logicalId)) changes.push({ action: 'Remove', logicalResourceId: r.logicalId, resourceType: r.type });
    const noChanges = changes.length === 0 && !templateChanged;
    const failed = this.options.simulateFailure;
    const cs: ChangeSetDocument = {
      changeSetId: `arn:aws:cloudformation:${this.scope.region}:${this.scope.account}:changeSet/${name}/${randomUUID()}`,
      changeSetName: name,
      status: failed || noChanges ? 'FAILED' : 'CREATE_COMPLETE',
      executionStatus: failed || noChanges ? 'UNAVAILABLE' : 'AVAILABLE',
      ...(noChanges && { statusReason: NO_CHANGES_REASON }),
      ...(failed && { statusReason: 'Simulated failure (simulate.failDeployments names this action)' }),
      templateBody: d.templateBody,
      parameters: d.parameters,
      capabilities: d.capabilities,
      tags: d.tags,
      ...(d.roleArn && { roleArn: d.roleArn }),
      changes,
      created: new Date(this.options.now).toISOString(),
    };
    s.changeSets[name] = cs;
    this.save(s);
    return { stack: s, changeSet: cs, noChanges };
  }

  /** Throws the simulated failure of a change set createChangeSet() saved as failed. */
  failChangeSet(s: StackDocument, cs: ChangeSetDocument): never {
    throw new StackFailure(`Change set ${cs.changeSetName} of the stack ${s.stackName} failed: FAILED (simulated failure: ${SIMULATED})`, 'JobFailed', cs.changeSetId);
  }

  /**
   * Executes the change set `name`: one without changes is simply removed (`executed: false`); else the
   * stack is created or updated from it and every change set of the stack is removed, as CloudFormation does.
   */
  executeChangeSet(existing: StackDocument | undefined, name: string): { stack: StackDocument; changeSet: ChangeSetDocument; executed: boolean } {
    const cs = existing?.changeSets[name];
    if (!existing || !cs) throw new StackFailure(`ChangeSet [${name}] does not exist`);
    if (cs.status === 'FAILED' && cs.statusReason?.startsWith("The submitted information didn't contain changes")) {
      delete existing.changeSets[name];
      this.save(existing);
      return { stack: existing, changeSet: cs, executed: false };
    }
    if (cs.executionStatus !== 'AVAILABLE') throw new StackFailure(`ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`);
    const creating = existing.status === 'REVIEW_IN_PROGRESS';
    const d: StackTemplate = {
      templateBody: cs.templateBody,
      template: parseTemplate(cs.templateBody),
      parameters: cs.parameters,
      capabilities: cs.capabilities,
      tags: cs.tags,
      ...(cs.roleArn && { roleArn: cs.roleArn }),
    };
    existing.changeSets = {};
    return { stack: this.apply(existing, d, creating), changeSet: cs, executed: true };
  }
}
