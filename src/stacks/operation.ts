// The stack engine: one operation on one stack (create, update, delete, create or execute a change
// set). Resources are worked in dependency order; each one's properties are evaluated just before it
// is provisioned (Ref / Fn::GetAtt of earlier ones read their real ids and attributes), by the
// provisioner registered for its type (src/stacks/resources/) or, without one, recorded as simulated.
// Every resource event is saved at once (the document is the stack's state), so readers see progress.
// A failure rolls back as CloudFormation does: a create deletes what it made (ROLLBACK_COMPLETE), an
// update restores the previous resources (UPDATE_ROLLBACK_COMPLETE), a delete stops (DELETE_FAILED).
// The document remembers the operation in progress, so recoverStacks() can finish one a crash cut short.
// The Deploy/CloudFormation action (src/providers/deploy/cloudformation.ts) drives it, and so does the
// CloudFormation API, so both agree on what a stack is.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import {
  FAILED_STATES,
  MAX_EVENTS,
  NO_CHANGES_REASON,
  STACK_KIND,
  type ChangeSetDocument,
  type StackDocument,
  type StackInProgress,
  type StackOrigin,
  type StackResource,
  type StackSnapshot,
  type StackTemplate,
} from './documents.js';
import { DynamicReferenceError, hasDynamicReference, resolveDynamicReferences } from '../secrets/dynamicReferences.js';
import { ProvisionError, ReplacementRequired, type ProvisionContext, type ProvisionerRegistry, type ResourceProvisioner } from './provisioners.js';
import {
  Evaluator,
  TemplateError,
  checkRules,
  checkTransforms,
  evaluateOutputs,
  noEchoParameters,
  parseTemplate,
  plan,
  resolvedParameterValues,
  resourceProperties,
  stackResources,
  type ParameterLookup,
  type PlannedResource,
  type StackContext,
  type Template,
} from './template.js';

/** A stack operation that failed: the message, the error code, and the stack or change set it names. */
export class StackFailure extends Error {
  constructor(
    message: string,
    readonly code: string = 'JobFailed',
    readonly externalExecutionId?: string,
    /** Refused before anything changed (a template or parameter error: the API's ValidationError). */
    readonly validation = false,
  ) {
    super(message);
  }
}

export interface StackOperationOptions {
  /** The operation's time (every event and the document's updated time) when no clock is given. */
  now: number;
  /** The time of each event (an operation takes time); defaults to `now`. */
  clock?: () => number;
  /** The operation fails as a real one would (simulate.failDeployments). */
  simulateFailure: boolean;
  /** Recorded as the stack's lastAction on every save. */
  origin?: StackOrigin;
  /** Told each event as a line ("<logical id> <type> <status> (<reason>)"), e.g. for an action's log. */
  note?: (line: string) => void;
  /** The resource types created for real; without it every resource is simulated. */
  provisioners?: ProvisionerRegistry;
  /** Resolves SSM parameter types (AWS::SSM::Parameter::Value<...>) from the local parameter store. */
  parameterLookup?: ParameterLookup;
  /**
   * What a failed create or update does (CreateStack's OnFailure; DisableRollback is DO_NOTHING):
   * ROLLBACK (default), DO_NOTHING (CREATE_FAILED / UPDATE_FAILED, resources kept as they are), or
   * DELETE (a create rolls back, then the stack is deleted).
   */
  onFailure?: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
}

const SIMULATED = 'simulate.failDeployments names this action';
const SIMULATED_REASON = 'Simulated failure (simulate.failDeployments)';
/** The reason given to resources the emulator records without creating. */
export const SIMULATED_RESOURCE = 'Simulated: the emulator records this resource type without creating it';

/** States in which an operation runs (REVIEW_IN_PROGRESS is a stack waiting for its first change set). */
export const busy = (status: string) => status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';

/** A template's failure to evaluate becomes the stack operation's failure. */
function evaluating<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof TemplateError) throw new StackFailure(e.message, 'JobFailed', undefined, true);
    throw e;
  }
}

const clone = <T>(x: T): T => (x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A physical name as CloudFormation generates one: stack-logicalId-SUFFIX, the first two parts cut to fit `max`. */
export function generatedName(stackName: string, logicalId: string, max = 128): string {
  const suffix = [...randomBytes(12)].map((b) => SUFFIX[b % SUFFIX.length]).join('');
  const room = Math.max(2, max - suffix.length - 2);
  const stackPart = stackName.slice(0, Math.ceil(room / 2));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${logicalPart}-${suffix}`.slice(0, max);
}

/** The state a stack's template and resources are evaluated against. */
interface Working {
  template: Template;
  ctx: StackContext;
  live: Map<string, StackResource>;
}

export class StackOperation {
  constructor(
    private readonly store: Store,
    private readonly scope: Scope,
    readonly stackName: string,
    private readonly options: StackOperationOptions,
  ) {}

  private now(): number {
    return this.options.clock?.() ?? this.options.now;
  }

  /** The live stack (a deleted one counts as missing). */
  load(): StackDocument | undefined {
    const s = this.store.simulated.get<StackDocument>(this.scope, STACK_KIND, this.stackName)?.document;
    return s && s.status !== 'DELETE_COMPLETE' ? s : undefined;
  }

  /** Whether `s` holds changes not saved yet (see apply()). */
  private unsaved = false;

  private saveIfUnsaved(s: StackDocument) {
    if (this.unsaved) this.save(s);
  }

  save(s: StackDocument) {
    this.unsaved = false;
    const { origin } = this.options;
    const now = this.now();
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
      timestamp: new Date(this.now()).toISOString(),
      logicalResourceId: resource?.logicalId ?? s.stackName,
      physicalResourceId: resource ? resource.physicalId : s.stackId,
      resourceType: type,
      resourceStatus: status,
      ...(reason && { resourceStatusReason: reason }),
    });
    if (resource) {
      resource.status = status;
      resource.updated = new Date(this.now()).toISOString();
      if (reason) resource.statusReason = reason;
      else delete resource.statusReason;
    }
  }

  /** A stack not created yet (REVIEW_IN_PROGRESS until a create or a change set). */
  newStack(): StackDocument {
    const now = new Date(this.now()).toISOString();
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

  /**
   * What the template is evaluated against. The other stacks' exports are read only when an
   * Fn::ImportValue asks (reading them parses every stack document of the account and region).
   */
  private context(s: StackDocument, template: Template, parameters: Record<string, string>): StackContext {
    const self = this;
    let exports: Record<string, string> | undefined;
    return {
      stackName: s.stackName,
      stackId: s.stackId,
      account: this.scope.account,
      region: this.scope.region,
      parameters: resolvedParameterValues(template, parameters, this.scope, this.options.parameterLookup),
      get exports() {
        return (exports ??= self.exportsOfOthers());
      },
    };
  }

  /** The stack's resources as provisioned so far, for Ref and Fn::GetAtt. */
  private liveResources(live: Map<string, StackResource>): NonNullable<StackContext['resources']> {
    return (id: string) => {
      const r = live.get(id);
      return r && r.physicalId
        ? { type: r.type, physicalId: r.physicalId, ...(r.ref !== undefined && { ref: r.ref }), attributes: r.attributes ?? {}, simulated: r.simulated ?? true, ...(r.properties && { properties: r.properties }) }
        : undefined;
    };
  }

  /** Whether the stack is in a state an update refuses (and a replacement replaces). */
  static failed(s: StackDocument): boolean {
    return FAILED_STATES.includes(s.status);
  }

  private provisioner(type: string): ResourceProvisioner | undefined {
    return this.options.provisioners?.get(type);
  }

  private provisionContext(s: StackDocument, r: { logicalId: string; type: string }): ProvisionContext {
    return {
      scope: this.scope,
      stackName: s.stackName,
      stackId: s.stackId,
      logicalId: r.logicalId,
      type: r.type,
      now: this.now(),
      generatedName: (max?: number) => generatedName(s.stackName, r.logicalId, max),
      note: (line) => this.options.note?.(`${r.logicalId}: ${line}`),
    };
  }

  private snapshot(s: StackDocument): StackSnapshot {
    return clone({
      templateBody: s.templateBody,
      parameters: s.parameters,
      resolvedParameters: s.resolvedParameters,
      capabilities: s.capabilities,
      tags: s.tags,
      stackPolicy: s.stackPolicy,
      roleArn: s.roleArn,
      resources: s.resources,
      outputs: s.outputs,
      exports: s.exports,
      outputDescriptions: s.outputDescriptions,
      description: s.description,
      noEchoParameters: s.noEchoParameters,
    });
  }

  /** Refuses an operation on a stack another operation is working on. */
  private checkIdle(s: StackDocument) {
    const current = this.store.simulated.peek<StackDocument>(this.scope, STACK_KIND, this.stackName);
    const status = current && current.stackId === s.stackId ? current.status : s.status;
    if (busy(status)) throw new StackFailure(`Stack:${s.stackId} is in ${status} state and can not be updated.`, 'JobFailed', s.stackId, true);
  }

  /**
   * Everything that can be known before a resource is touched (transforms, SSM parameters, Rules,
   * references, cycles), thrown synchronously as a StackFailure with `validation` set (an API's
   * ValidationError). apply() runs it first; an API may call it before answering.
   */
  validate(s: StackDocument, d: StackTemplate): { ctx: StackContext; order: PlannedResource[] } {
    return evaluating(() => {
      checkTransforms(d.template, this.scope.account);
      const ctx = this.context(s, d.template, d.parameters);
      checkRules(d.template, ctx);
      return { ctx, order: plan(d.template, ctx) };
    });
  }

  /**
   * Applies a template to the stack: create (new) or update (existing). Resolves with the stack; a
   * failure (after its rollback) rejects with StackFailure. Up to the first resource everything runs
   * synchronously at the call: the stack is saved *_IN_PROGRESS before the promise is returned, so an
   * API can answer at once and let the operation go on.
   */
  async apply(s: StackDocument, d: StackTemplate, creating: boolean): Promise<StackDocument> {
    this.checkIdle(s);
    const verb = creating ? 'CREATE' : 'UPDATE';
    const planned = this.validate(s, d);
    const previous = creating ? undefined : this.snapshot(s);
    const live = new Map(s.resources.map((r) => [r.logicalId, r]));
    // The context validate() made, now with the live resources (not spread: that would read the exports).
    const w: Working = { template: d.template, ctx: Object.assign(planned.ctx, { resources: this.liveResources(live) }), live };
    s.inProgress = { verb, ...(previous && { previous }), steps: [], discard: [] };
    s.status = `${verb}_IN_PROGRESS`;
    s.statusReason = 'User Initiated';
    this.event(s, `${verb}_IN_PROGRESS`, 'User Initiated');
    // The stack's new template and parameters hold while it is worked on (restored by an update's rollback).
    Object.assign(s, {
      templateBody: d.templateBody,
      parameters: d.parameters,
      resolvedParameters: planned.ctx.parameters,
      capabilities: d.capabilities,
      tags: d.tags,
      stackPolicy: d.stackPolicy,
      roleArn: d.roleArn,
      description: typeof d.template.Description === 'string' ? d.template.Description : undefined,
      noEchoParameters: noEchoParameters(d.template),
    });
    // Saved together with the first resource's first step, which comes before any wait (one commit,
    // not two); at the latest before the first wait, so the promise is never returned unsaved.
    this.unsaved = true;

    let failed: { logicalId: string; reason: string; created: boolean } | undefined;
    let first = true;
    for (const p of planned.order) {
      const old = live.get(p.logicalId);
      try {
        if (this.options.simulateFailure && first) throw new ProvisionError(SIMULATED_REASON);
        first = false;
        const step = this.provisionOne(s, w, p, old);
        this.saveIfUnsaved(s);
        await step;
      } catch (e) {
        if (!(e instanceof ProvisionError) && !(e instanceof TemplateError) && !(e instanceof ReplacementRequired)) this.options.note?.(`${p.logicalId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        failed = { logicalId: p.logicalId, reason: message(e), created: !old };
        const r = live.get(p.logicalId) ?? { logicalId: p.logicalId, type: p.type, physicalId: '' };
        this.event(s, `${old ? 'UPDATE' : 'CREATE'}_FAILED`, failed.reason, r);
        // A failed create leaves nothing; a failed update or replacement leaves the resource as it was.
        if (!old) live.delete(p.logicalId);
        else live.set(p.logicalId, old);
        s.resources = [...live.values()];
        this.save(s);
        break;
      }
    }
    this.saveIfUnsaved(s);
    if (!failed) {
      try {
        const evaluated = evaluateOutputs(d.template, w.ctx);
        Object.assign(s, { outputs: evaluated.outputs, exports: evaluated.exports, outputDescriptions: evaluated.descriptions });
      } catch (e) {
        failed = { logicalId: s.stackName, reason: message(e), created: false };
      }
    }
    if (failed) {
      const what = failed.created ? 'create' : 'update';
      const reason = `The following resource(s) failed to ${what}: [${failed.logicalId}]. ${creating ? 'Rollback requested by user.' : ''}`.trim();
      const onFailure = this.options.onFailure ?? 'ROLLBACK';
      if (onFailure === 'DO_NOTHING') this.keepFailed(s, `${verb}_FAILED`, reason.replace(' Rollback requested by user.', ''));
      else if (creating) {
        await this.rollbackCreate(s, reason);
        if (onFailure === 'DELETE' && s.status === 'ROLLBACK_COMPLETE') await this.delete(s).catch(() => undefined);
      } else await this.rollbackUpdate(s, reason);
      const detail = this.options.simulateFailure ? `simulated failure: ${SIMULATED}` : `${failed.logicalId}: ${failed.reason}`;
      throw new StackFailure(`Stack ${s.stackName} failed: ${s.status} (${detail})`, 'JobFailed', s.stackId);
    }
    if (creating) {
      s.status = 'CREATE_COMPLETE';
      delete s.statusReason;
      delete s.inProgress;
      s.resources = [...live.values()];
      this.event(s, 'CREATE_COMPLETE');
      this.save(s);
      return s;
    }
    // Resources the template no longer has, and the old halves of replacements, go in the cleanup.
    const keep = new Set(planned.order.map((p) => p.logicalId));
    const removed = s.resources.filter((r) => !keep.has(r.logicalId));
    s.inProgress!.discard.push(...removed);
    s.resources = planned.order.map((p) => live.get(p.logicalId)!).filter(Boolean);
    s.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
    this.event(s, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.cleanup(s, 'UPDATE_COMPLETE');
    return s;
  }

  /** Creates, updates or replaces one resource (or leaves it, when nothing changed). */
  private async provisionOne(s: StackDocument, w: Working, p: PlannedResource, old: StackResource | undefined) {
    const steps = s.inProgress!.steps;
    const provisioner = this.provisioner(p.type);
    const base = { logicalId: p.logicalId, type: p.type, dependsOn: p.dependsOn, ...(p.deletionPolicy && { deletionPolicy: p.deletionPolicy }) };
    if (!old) {
      const r: StackResource = { ...base, physicalId: '' };
      w.live.set(p.logicalId, r);
      steps.push({ logicalId: p.logicalId, kind: 'create' });
      this.event(s, 'CREATE_IN_PROGRESS', undefined, r);
      s.resources = [...w.live.values()];
      this.save(s);
      const properties = resourceProperties(w.template, w.ctx, p.logicalId);
      await this.create(s, r, properties, provisioner, w);
      this.event(s, 'CREATE_COMPLETE', r.simulated ? SIMULATED_RESOURCE : undefined, r);
      s.resources = [...w.live.values()];
      this.save(s);
      return;
    }
    const properties = resourceProperties(w.template, w.ctx, p.logicalId);
    const legacy = old.properties === undefined;
    const typeChanged = old.type !== p.type;
    if (!typeChanged && !legacy && same(properties, old.properties)) {
      // Nothing to do (CloudFormation sends no event); template attributes follow the template.
      Object.assign(old, { dependsOn: p.dependsOn, deletionPolicy: p.deletionPolicy });
      return;
    }
    const before = clone(old);
    const r: StackResource = { ...old, ...base };
    if (!p.deletionPolicy) delete r.deletionPolicy;
    w.live.set(p.logicalId, r);
    this.event(s, 'UPDATE_IN_PROGRESS', undefined, r);
    s.resources = [...w.live.values()];
    this.save(s);
    let replace = typeChanged || (legacy && provisioner !== undefined);
    if (!replace) {
      if (provisioner && !(old.simulated ?? true)) {
        if (!provisioner.update) replace = true;
        else {
          try {
            const out = await provisioner.update(this.provisionContext(s, r), old.physicalId, this.resolved(properties), this.resolved(old.properties ?? {}));
            Object.assign(r, { physicalId: out.physicalId, attributes: out.attributes, properties, simulated: false });
            // An update keeps what Ref answers unless the provisioner says otherwise.
            if (out.ref !== undefined) r.ref = out.ref;
          } catch (e) {
            if (!(e instanceof ReplacementRequired)) throw e;
            replace = true;
          }
        }
      } else {
        const id = this.simulatedIdFor(w, p.logicalId);
        // A simulated resource whose name changes is a new one.
        Object.assign(r, { physicalId: id, properties, simulated: true });
      }
    }
    if (replace) {
      this.event(s, 'UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.', r);
      r.physicalId = '';
      delete r.ref;
      r.attributes = {};
      await this.create(s, r, properties, provisioner, w);
      steps.push({ logicalId: p.logicalId, kind: 'replace', before });
      s.inProgress!.discard.push(before);
    } else steps.push({ logicalId: p.logicalId, kind: 'update', before });
    this.event(s, 'UPDATE_COMPLETE', r.simulated ? SIMULATED_RESOURCE : undefined, r);
    s.resources = [...w.live.values()];
    this.save(s);
  }

  /**
   * Properties as a provisioner gets them: every dynamic reference ({{resolve:ssm:...}},
   * {{resolve:ssm-secure:...}}, {{resolve:secretsmanager:...}}) replaced by its value from the local
   * stores. The stack document keeps the references, so no secret is ever shown by DescribeStack*.
   */
  private resolved(properties: Record<string, unknown>): Record<string, unknown> {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return hasDynamicReference(v) ? resolveDynamicReferences(this.store, this.scope, v) : v;
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    try {
      return walk(properties) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof DynamicReferenceError) throw new ProvisionError(e.message);
      throw e;
    }
  }

  /** A simulated resource's id: its name property (evaluated against the real resources) or stack-LogicalId-HASH. */
  private simulatedIdFor(w: Working, logicalId: string): string {
    return new Evaluator(w.template, w.ctx).simulatedId(logicalId);
  }

  private async create(s: StackDocument, r: StackResource, properties: Record<string, unknown>, provisioner: ResourceProvisioner | undefined, w: Working) {
    if (!provisioner) {
      Object.assign(r, { physicalId: this.simulatedIdFor(w, r.logicalId), attributes: {}, properties, simulated: true });
      return;
    }
    const out = await provisioner.create(this.provisionContext(s, r), this.resolved(properties));
    Object.assign(r, { physicalId: out.physicalId, attributes: out.attributes, properties, simulated: false });
    if (out.ref !== undefined) r.ref = out.ref;
  }

  /** Deletes one resource (Retain: skipped). Throws the provisioner's failure after the DELETE_FAILED event. */
  private async deleteOne(s: StackDocument, r: StackResource, why: 'delete' | 'rollback' | 'undo' = 'delete', retain: string[] = []) {
    if (!r.physicalId) return;
    // Retain keeps a resource whenever the stack deletes it; RetainExceptOnCreate not when a create rolls back;
    // RetainResources (DeleteStack's) names more. An update's rollback deletes what the update created.
    const kept =
      why !== 'undo' && (r.deletionPolicy === 'Retain' || (r.deletionPolicy === 'RetainExceptOnCreate' && why === 'delete') || retain.includes(r.logicalId));
    if (kept) {
      this.event(s, 'DELETE_SKIPPED', undefined, r);
      this.save(s);
      return;
    }
    this.event(s, 'DELETE_IN_PROGRESS', undefined, r);
    this.save(s);
    const provisioner = (r.simulated ?? true) ? undefined : this.provisioner(r.type);
    if (provisioner) {
      try {
        await provisioner.delete(this.provisionContext(s, r), r.physicalId, r.properties ?? {});
      } catch (e) {
        this.event(s, 'DELETE_FAILED', message(e), r);
        this.save(s);
        throw e;
      }
    }
    this.event(s, 'DELETE_COMPLETE', undefined, r);
    this.save(s);
  }

  /** A failure left as it is (rollback disabled): the resources stay, the stack is CREATE_FAILED or UPDATE_FAILED. */
  private keepFailed(s: StackDocument, status: string, reason: string) {
    s.status = status;
    s.statusReason = reason;
    delete s.inProgress;
    this.event(s, status, reason);
    this.save(s);
  }

  /** A failed create: what was created is deleted, newest first. */
  private async rollbackCreate(s: StackDocument, reason: string) {
    s.status = 'ROLLBACK_IN_PROGRESS';
    s.statusReason = reason;
    this.event(s, 'ROLLBACK_IN_PROGRESS', reason);
    this.save(s);
    const left: StackResource[] = [];
    for (const r of [...s.resources].reverse()) {
      try {
        await this.deleteOne(s, r, 'rollback');
      } catch {
        left.unshift(r);
      }
    }
    s.resources = left;
    s.exports = {};
    s.outputs = {};
    s.status = left.length ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE';
    if (left.length) s.statusReason = `The following resource(s) failed to delete: [${left.map((r) => r.logicalId).join(', ')}]. `;
    delete s.inProgress;
    this.event(s, s.status, left.length ? s.statusReason : undefined);
    this.save(s);
  }

  /** A failed update: each step undone, newest first, then the stack's previous template, parameters and outputs restored. */
  private async rollbackUpdate(s: StackDocument, reason: string) {
    const ip = s.inProgress!;
    s.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    s.statusReason = reason;
    this.event(s, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
    this.save(s);
    const live = new Map(s.resources.map((r) => [r.logicalId, r]));
    let broken = false;
    for (const step of [...ip.steps].reverse()) {
      const current = live.get(step.logicalId);
      try {
        if (step.kind === 'create') {
          if (current) await this.deleteOne(s, current, 'undo');
          live.delete(step.logicalId);
        } else if (step.kind === 'replace') {
          // The new resource goes in the cleanup; the old one, never deleted, is the resource again.
          if (current) ip.discard.push(current);
          ip.discard = ip.discard.filter((d) => d !== step.before && !(d.logicalId === step.before!.logicalId && d.physicalId === step.before!.physicalId));
          live.set(step.logicalId, step.before!);
        } else if (current) {
          const before = step.before!;
          this.event(s, 'UPDATE_IN_PROGRESS', undefined, current);
          this.save(s);
          const provisioner = (before.simulated ?? true) ? undefined : this.provisioner(before.type);
          if (provisioner?.update) await provisioner.update(this.provisionContext(s, before), current.physicalId, this.resolved(before.properties ?? {}), this.resolved(current.properties ?? {}));
          live.set(step.logicalId, before);
          this.event(s, 'UPDATE_COMPLETE', undefined, before);
          this.save(s);
        }
      } catch (e) {
        if (current) this.event(s, 'UPDATE_FAILED', message(e), current);
        broken = true;
        break;
      }
      ip.steps = ip.steps.filter((x) => x !== step);
      s.resources = [...live.values()];
      this.save(s);
    }
    if (broken) {
      s.status = 'UPDATE_ROLLBACK_FAILED';
      this.event(s, 'UPDATE_ROLLBACK_FAILED', s.statusReason);
      s.resources = [...live.values()];
      delete s.inProgress;
      this.save(s);
      return;
    }
    const prev = ip.previous!;
    const order = new Map(prev.resources.map((r, i) => [r.logicalId, i]));
    s.resources = [...live.values()].sort((a, b) => (order.get(a.logicalId) ?? 0) - (order.get(b.logicalId) ?? 0));
    Object.assign(s, {
      templateBody: prev.templateBody,
      parameters: prev.parameters,
      resolvedParameters: prev.resolvedParameters,
      capabilities: prev.capabilities,
      tags: prev.tags,
      stackPolicy: prev.stackPolicy,
      roleArn: prev.roleArn,
      outputs: prev.outputs,
      exports: prev.exports,
      outputDescriptions: prev.outputDescriptions,
      description: prev.description,
      noEchoParameters: prev.noEchoParameters,
    });
    s.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    this.event(s, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.cleanup(s, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /**
   * Deletes what the operation superseded (newest first), then ends in `final`. A resource that fails
   * to delete is left, as CloudFormation leaves it. The *_CLEANUP_IN_PROGRESS state the caller set is
   * saved first only when there is something to delete; otherwise it is saved with the final state,
   * in one transaction (the same events; a restart resumes from the state before either way).
   */
  private async cleanup(s: StackDocument, final: string) {
    const ip = s.inProgress!;
    if (ip.discard.length) this.save(s);
    while (ip.discard.length) {
      const r = ip.discard[ip.discard.length - 1];
      try {
        await this.deleteOne(s, r);
      } catch {
        // DELETE_FAILED is in the events; the stack still completes.
      }
      ip.discard.pop();
      this.save(s);
    }
    delete s.inProgress;
    s.status = final;
    delete s.statusReason;
    this.event(s, final);
    this.save(s);
  }

  /** Whether applying `d` would change nothing (same template, parameters and tags). */
  unchanged(s: StackDocument, d: StackTemplate) {
    return s.templateBody === d.templateBody && JSON.stringify(s.parameters) === JSON.stringify(d.parameters) && JSON.stringify(s.tags) === JSON.stringify(d.tags);
  }

  /**
   * Deletes the stack's resources in reverse dependency order, then the stack (DELETE_COMPLETE), or
   * stops at a resource that will not go (DELETE_FAILED, thrown). `retainResources` (DeleteStack's
   * RetainResources, for a stack in DELETE_FAILED) are kept.
   */
  async delete(s: StackDocument, retainResources: string[] = []): Promise<void> {
    if (busy(s.status) && s.inProgress?.verb !== 'DELETE') this.checkIdle(s);
    s.status = 'DELETE_IN_PROGRESS';
    s.statusReason = 'User Initiated';
    s.inProgress = { verb: 'DELETE', steps: [], discard: [] };
    this.event(s, 'DELETE_IN_PROGRESS', 'User Initiated');
    this.save(s);
    if (this.options.simulateFailure) {
      s.status = 'DELETE_FAILED';
      s.statusReason = SIMULATED_REASON.replace(')', ' names this action)');
      delete s.inProgress;
      this.event(s, 'DELETE_FAILED', s.statusReason);
      this.save(s);
      throw new StackFailure(`Stack ${s.stackName} failed: DELETE_FAILED (simulated failure: ${SIMULATED})`, 'JobFailed', s.stackId);
    }
    await this.deleteResources(s, retainResources);
  }

  private async deleteResources(s: StackDocument, retain: string[] = []) {
    const failed: StackResource[] = [];
    // Resources a failed one depends on stay (it still uses them).
    const blocked = new Set<string>();
    const block = (r: StackResource) => {
      for (const d of r.dependsOn ?? []) {
        if (blocked.has(d)) continue;
        blocked.add(d);
        const dep = s.resources.find((x) => x.logicalId === d);
        if (dep) block(dep);
      }
    };
    for (const r of [...s.resources].reverse()) {
      if (blocked.has(r.logicalId)) continue;
      try {
        await this.deleteOne(s, r, 'delete', retain);
        s.resources = s.resources.filter((x) => x !== r);
        this.save(s);
      } catch {
        failed.push(r);
        block(r);
      }
    }
    delete s.inProgress;
    if (failed.length) {
      s.status = 'DELETE_FAILED';
      s.statusReason = `The following resource(s) failed to delete: [${failed.map((r) => r.logicalId).join(', ')}]. `;
      this.event(s, 'DELETE_FAILED', s.statusReason);
      this.save(s);
      const why = failed.map((r) => `${r.logicalId}: ${r.statusReason ?? ''}`).join('; ');
      throw new StackFailure(`Stack ${s.stackName} failed: DELETE_FAILED (${why})`, 'JobFailed', s.stackId);
    }
    s.status = 'DELETE_COMPLETE';
    delete s.statusReason;
    s.resources = [];
    s.exports = {};
    s.changeSets = {};
    this.event(s, 'DELETE_COMPLETE');
    this.save(s);
  }

  /**
   * Ends an operation a restart cut short, as CloudFormation would: a create or its rollback rolls
   * back (ROLLBACK_COMPLETE), an update or its rollback rolls back to the previous stack
   * (UPDATE_ROLLBACK_COMPLETE), a cleanup or a delete is finished. A resource caught mid-create
   * (no physical id yet) is dropped.
   */
  async recover(s: StackDocument): Promise<void> {
    const reason = 'The stack operation was interrupted by a restart of the emulator';
    s.resources = s.resources.filter((r) => r.physicalId !== '');
    const ip: StackInProgress = s.inProgress ?? { verb: s.status.startsWith('DELETE') ? 'DELETE' : s.status.startsWith('UPDATE') ? 'UPDATE' : 'CREATE', steps: [], discard: [] };
    s.inProgress = ip;
    switch (s.status) {
      case 'CREATE_IN_PROGRESS':
      case 'ROLLBACK_IN_PROGRESS':
        return this.rollbackCreate(s, s.status === 'CREATE_IN_PROGRESS' ? reason : (s.statusReason ?? reason));
      case 'UPDATE_IN_PROGRESS':
      case 'UPDATE_ROLLBACK_IN_PROGRESS':
        if (!ip.previous) {
          // An old document without the previous state: nothing to restore from.
          s.status = 'UPDATE_ROLLBACK_FAILED';
          s.statusReason = reason;
          delete s.inProgress;
          this.event(s, 'UPDATE_ROLLBACK_FAILED', reason);
          this.save(s);
          return;
        }
        return this.rollbackUpdate(s, s.status === 'UPDATE_IN_PROGRESS' ? reason : (s.statusReason ?? reason));
      case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.cleanup(s, 'UPDATE_COMPLETE');
      case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.cleanup(s, 'UPDATE_ROLLBACK_COMPLETE');
      case 'DELETE_IN_PROGRESS':
        try {
          await this.deleteResources(s);
        } catch {
          // DELETE_FAILED, recorded.
        }
        return;
      default:
        delete s.inProgress;
        this.save(s);
    }
  }

  /**
   * Creates (or replaces) the change set `name` from `d` on the existing stack, or on a new one (a
   * stack in ROLLBACK_COMPLETE is deleted and created anew). A change set with no changes is saved as
   * FAILED, as CloudFormation does; a simulated failure saves it FAILED and throws.
   */
  async createChangeSet(existing: StackDocument | undefined, name: string, d: StackTemplate): Promise<{ stack: StackDocument; changeSet: ChangeSetDocument; noChanges: boolean }> {
    if (existing && StackOperation.failed(existing) && existing.status !== 'ROLLBACK_COMPLETE')
      throw new StackFailure(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`, 'JobFailed', undefined, true);
    if (existing) this.checkIdle(existing);
    const s = existing && existing.status !== 'ROLLBACK_COMPLETE' ? existing : this.newStack();
    const next = evaluating(() => {
      checkTransforms(d.template, this.scope.account);
      const ctx = this.context(s, d.template, d.parameters);
      checkRules(d.template, ctx);
      plan(d.template, ctx);
      const live = new Map(s.resources.map((r) => [r.logicalId, r]));
      return stackResources(d.template, Object.assign(ctx, { resources: this.liveResources(live) }));
    });
    if (existing && existing.status === 'ROLLBACK_COMPLETE') await this.delete(existing);
    if (s.events.length === 0) this.event(s, 'REVIEW_IN_PROGRESS', 'User Initiated');
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
      created: new Date(this.now()).toISOString(),
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
  async executeChangeSet(existing: StackDocument | undefined, name: string): Promise<{ stack: StackDocument; changeSet: ChangeSetDocument; executed: boolean }> {
    const cs = existing?.changeSets[name];
    if (!existing || !cs) throw new StackFailure(`ChangeSet [${name}] does not exist`, 'JobFailed', undefined, true);
    if (cs.status === 'FAILED' && cs.statusReason?.startsWith("The submitted information didn't contain changes")) {
      delete existing.changeSets[name];
      this.save(existing);
      return { stack: existing, changeSet: cs, executed: false };
    }
    if (cs.executionStatus !== 'AVAILABLE')
      throw new StackFailure(`ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`, 'JobFailed', undefined, true);
    const creating = existing.status === 'REVIEW_IN_PROGRESS';
    const d: StackTemplate = {
      templateBody: cs.templateBody,
      template: evaluating(() => parseTemplate(cs.templateBody)),
      parameters: cs.parameters,
      capabilities: cs.capabilities,
      tags: cs.tags,
      ...(cs.roleArn && { roleArn: cs.roleArn }),
    };
    existing.changeSets = {};
    return { stack: await this.apply(existing, d, creating), changeSet: cs, executed: true };
  }
}

/** What recoverStacks needs besides the store. */
export interface RecoveryOptions {
  provisioners?: ProvisionerRegistry;
  parameterLookup?: ParameterLookup;
  clock: () => number;
  note?: (stack: string, line: string) => void;
}

/**
 * Ends every stack operation a crash interrupted (status *_IN_PROGRESS found at start), one stack
 * after another; start() calls it once its parts are built. Resolves when all are done.
 */
export async function recoverStacks(store: Store, options: RecoveryOptions): Promise<string[]> {
  const done: string[] = [];
  for (const r of store.simulated.listKind<StackDocument>(STACK_KIND)) {
    if (!busy(r.document.status)) continue;
    const op = new StackOperation(store, { account: r.account, region: r.region }, r.name, {
      now: options.clock(),
      clock: options.clock,
      simulateFailure: false,
      provisioners: options.provisioners,
      parameterLookup: options.parameterLookup,
      note: (line) => options.note?.(r.name, line),
    });
    try {
      await op.recover(r.document);
    } catch {
      // The document records the outcome (DELETE_FAILED, ROLLBACK_FAILED...).
    }
    done.push(`${r.account}/${r.region}/${r.name}: ${op.load()?.status ?? 'DELETE_COMPLETE'}`);
  }
  return done;
}
