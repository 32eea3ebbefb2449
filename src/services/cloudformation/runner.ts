// Runs the stack operations the API accepted, after the answer: the API saves the operation in the
// stack's document (pendingOperation.ts; the stack shows its *_IN_PROGRESS status) and returns; the runner
// then drives the stack engine (src/stacks/operation.ts), which saves the progress and the outcome
// (events, resources, outputs, the final status). Operations on one stack run one after the other. An
// operation a stop came before is still in the document: resume() runs it on the next start.
import { randomUUID } from 'node:crypto';
import type { ServiceDeps } from '../../appDeps.js';
import { STACK_KIND, type StackTemplate } from '../../stacks/documents.js';
import { StackFailure, recoverStacks } from '../../stacks/operation.js';
import { parameterLookup } from '../../parameters/store.js';
import { parseTemplate } from '../../stacks/template.js';
import type { Store } from '../../store/index.js';
import type { Scope } from '../../store/scope.js';
import type { PendingOperation } from './pendingOperation.js';
import { inProgress, saveStack, scopeOf, stackOperation, type ApiStack } from './stacks.js';

type RunnerDeps = Pick<ServiceDeps, 'store' | 'clock' | 'log'> & Partial<Pick<ServiceDeps, 'provisioners'>>;

const runners = new WeakMap<Store, StackRunner>();

/** The runner of the emulator `deps` belong to (one per store). */
export function runnerFor(deps: RunnerDeps): StackRunner {
  let r = runners.get(deps.store);
  if (!r) {
    r = new StackRunner({ store: deps.store, clock: deps.clock, log: deps.log, provisioners: deps.provisioners });
    runners.set(deps.store, r);
  }
  return r;
}

/** Runs again the operations a stop left pending. */
export const resumeStackOperations = (deps: RunnerDeps) => runnerFor(deps).resume();

/**
 * At start, and after a reset or restore: the stack operations a crash (or the snapshot) cut short end
 * as CloudFormation would end them (rolled back, or finished); then the operations the API accepted
 * and had not run yet run, so no stack is worked by both. `running` false (stopped meanwhile): no resume.
 */
export async function settleStacks(deps: RunnerDeps & Pick<ServiceDeps, 'provisioners'>, running: () => boolean): Promise<void> {
  try {
    await recoverStacks(deps.store, {
      provisioners: deps.provisioners,
      parameterLookup: parameterLookup(deps.store.parameters),
      clock: () => deps.clock.now(),
      note: (stack, line) => deps.log.info(`stack ${stack}: ${line}`),
    });
  } catch (e) {
    deps.log.warn(`stack recovery: ${(e as Error).message}`);
  }
  if (running()) resumeStackOperations(deps);
}

const desiredOf = (d: NonNullable<PendingOperation['desired']>): StackTemplate => ({ ...d, template: parseTemplate(d.templateBody) });

export class StackRunner {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Accepts an operation: saved in the stack's document (the stack shows the operation's *_IN_PROGRESS
   * status, stacks.ts shownStatus) and run once the request is answered.
   */
  accept(scope: Scope, s: ApiStack, op: Omit<PendingOperation, 'id'>) {
    s.apiOperation = { id: randomUUID(), ...op };
    saveStack({ ...this.deps, ...scope }, s);
    this.schedule(scopeOf(scope), s.stackName);
  }

  resume() {
    // Across accounts and regions.
    for (const r of this.deps.store.simulated.listKind<ApiStack>(STACK_KIND))
      if (r.document.apiOperation) this.schedule({ account: r.account, region: r.region }, r.name);
  }

  private schedule(scope: Scope, stackName: string) {
    const key = keyOf(scope, stackName);
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.run(scope, stackName))
      .catch((e) => this.deps.log.error(`cloudformation: the operation on the stack ${stackName} (${scope.account}/${scope.region}) failed`, e));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async run(scope: Scope, stackName: string) {
    const ctx = { ...this.deps, ...scope };
    const s = ctx.store.simulated.get<ApiStack>(scope, STACK_KIND, stackName)?.document;
    const op = s?.apiOperation;
    if (!s || !op) return;
    // The engine is handed the stack as it was before the operation, and saves it without the pending operation.
    delete s.apiOperation;
    const engine = stackOperation(ctx, stackName, op.onFailure);
    let failure: string | undefined;
    try {
      if (op.kind === 'create' || op.kind === 'update') await engine.apply(s, desiredOf(op.desired!), op.kind === 'create');
      else if (op.kind === 'delete') await engine.delete(s, op.retainResources);
      else await engine.executeChangeSet(s, op.changeSetName!);
    } catch (e) {
      if (!(e instanceof StackFailure)) this.deps.log.error(`cloudformation: ${op.kind} of the stack ${stackName} failed`, e);
      failure = e instanceof Error ? e.message : String(e);
    }
    this.settle(scope, stackName, op, failure);
  }

  /**
   * After the engine: the operation must no longer be pending (whatever document the engine saved), and
   * a stack the engine left without an outcome (e.g. the template did not evaluate) fails as
   * CloudFormation's would.
   */
  private settle(scope: Scope, stackName: string, op: PendingOperation, failure: string | undefined) {
    const ctx = { ...this.deps, ...scope };
    const s = ctx.store.simulated.get<ApiStack>(scope, STACK_KIND, stackName)?.document;
    const ours = s?.apiOperation?.id === op.id;
    if (!s || (!ours && (failure === undefined || !inProgress(s)))) return;
    delete s.apiOperation;
    if (!inProgress(s) && failure === undefined) return saveStack(ctx, s);
    const reason = failure ?? `The ${op.kind} operation ended without an outcome`;
    const creating = op.kind === 'create' || (op.kind === 'execute' && op.previousStatus === 'REVIEW_IN_PROGRESS');
    const verb = op.kind === 'delete' ? 'DELETE' : creating ? 'CREATE' : 'UPDATE';
    const timestamp = new Date(ctx.clock.now()).toISOString();
    const event = (status: string, why?: string) =>
      s.events.push({
        eventId: randomUUID(),
        timestamp,
        logicalResourceId: s.stackName,
        physicalResourceId: s.stackId,
        resourceType: 'AWS::CloudFormation::Stack',
        resourceStatus: status,
        ...(why && { resourceStatusReason: why }),
      });
    // The engine recorded nothing of this operation: it begins as CloudFormation's do.
    if (ours) event(`${verb}_IN_PROGRESS`, 'User Initiated');
    if (op.kind === 'delete') {
      event('DELETE_FAILED', reason);
      s.status = 'DELETE_FAILED';
    } else if (creating) {
      event('ROLLBACK_IN_PROGRESS', reason);
      event('ROLLBACK_COMPLETE');
      s.status = 'ROLLBACK_COMPLETE';
    } else {
      event('UPDATE_ROLLBACK_IN_PROGRESS', reason);
      event('UPDATE_ROLLBACK_COMPLETE');
      s.status = 'UPDATE_ROLLBACK_COMPLETE';
    }
    s.statusReason = reason;
    saveStack(ctx, s);
  }
}

const keyOf = (scope: Scope, stackName: string) => `${scope.account}\u0000${scope.region}\u0000${stackName}`;
