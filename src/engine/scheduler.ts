// The engine's scheduler: which pipelines have work pending, the side effects that wait for the
// transaction that asked for them to commit, and the durable timers (approval and job timeouts, rule
// re-checks), re-armed from the store on start. It knows nothing of executions: the engine gives it
// the two steps it runs (advance one pipeline, fire one timer), each inside a store transaction.
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import type { TimerRow } from '../store/timers.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export type PipelineKey = Scope & { pipeline: string };
const keyOf = (k: PipelineKey) => `${k.account}\u0000${k.region}\u0000${k.pipeline}`;

export interface SchedulerSteps {
  /** Advances one pipeline from what the store says; runs inside a transaction. */
  advance(key: PipelineKey): void;
  /** Acts on one due timer (already deleted from the store); runs inside a transaction. */
  fireTimer(timer: TimerRow): void;
}

export class Scheduler {
  private readonly pending = new Map<string, PipelineKey>();
  private readonly afterCommit: (() => void)[] = [];
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private halted = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly steps: SchedulerSteps,
  ) {}

  /** True after stop() or pause(): nothing is advanced and no timer armed until start(). */
  get stopped(): boolean {
    return this.halted;
  }

  /** Marks the pipeline as changed; it is advanced once the current call stack (and its transaction) is done. */
  schedule(k: PipelineKey) {
    this.pending.set(keyOf(k), { account: k.account, region: k.region, pipeline: k.pipeline });
    if (this.flushScheduled || this.halted) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Runs `effect` once the transaction being built now has committed (dropped if it rolls back). */
  afterCommitted(effect: () => void) {
    this.afterCommit.push(effect);
  }

  /**
   * Runs `change` (an action's outcome, say) and the advances it asks for in one transaction, then
   * their side effects and whatever else is pending. One commit where there were two: the advance
   * runs in a savepoint, so a failing advance is logged and leaves the change itself committed, as
   * when each had its own transaction. Inside a caller's transaction, `change` just joins it and the
   * advance waits for flush() (its side effects must not start before that transaction commits).
   */
  commitAndAdvance<T>(change: () => T): T {
    if (this.store.db.inTransaction) return change();
    const mark = this.afterCommit.length;
    let result: T;
    try {
      result = this.store.tx(() => {
        const r = change();
        while (this.pending.size && !this.halted) this.advanceNext();
        return r;
      });
    } catch (e) {
      this.afterCommit.length = mark;
      throw e;
    }
    this.flush();
    return result;
  }

  /** Advances the first pending pipeline in a transaction of its own (a savepoint inside another). */
  private advanceNext() {
    const [key, k] = this.pending.entries().next().value!;
    this.pending.delete(key);
    const mark = this.afterCommit.length;
    try {
      this.store.tx(() => this.steps.advance(k));
    } catch (e) {
      this.afterCommit.length = mark;
      this.log.error(`engine: advancing ${k.pipeline} failed`, e);
    }
  }

  /** Advances every pipeline marked as changed, each in its own transaction, then its side effects. */
  flush() {
    this.flushScheduled = false;
    // Side effects start only once the state that asked for them is committed.
    for (const effect of this.afterCommit.splice(0)) effect();
    while (this.pending.size && !this.halted) {
      this.advanceNext();
      for (const effect of this.afterCommit.splice(0)) effect();
    }
    this.armTimer();
  }

  /**
   * An answer (PutApprovalResult, a job result) must not beat its own timeout: before the answer's
   * transaction, the ref's timers that already fell due fire in their own transaction (so the
   * expiry stands even when the answer is then refused), whether or not the real timeout ran yet.
   */
  expireDue(ref: string) {
    const due = this.store.timers.due(this.clock.now()).filter((t) => t.ref === ref);
    if (due.length) this.store.tx(() => due.forEach((t) => this.fire(t)));
  }

  /** Durable timers: the due ones fire now; the next one is armed with a real timeout. */
  runDueTimers() {
    for (const t of this.store.timers.due(this.clock.now())) {
      try {
        this.store.tx(() => this.fire(t));
      } catch (e) {
        this.log.error(`engine: timer ${t.kind} for ${t.ref} failed`, e);
      }
    }
    this.flush();
  }

  /** (Re)starts: the given pipelines are advanced and the next durable timer is armed. */
  start(pipelines: PipelineKey[]) {
    this.halted = false;
    for (const p of pipelines) this.schedule(p);
    this.armTimer();
  }

  /** Stops for good (the store is about to close). */
  stop() {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Stops and forgets what was pending (the whole state is being replaced); start() resumes. */
  pause() {
    this.stop();
    this.timer = undefined;
    this.pending.clear();
    this.afterCommit.length = 0;
  }

  private fire(t: TimerRow) {
    this.store.timers.delete(t.id);
    this.steps.fireTimer(t);
  }

  private armTimer() {
    if (this.halted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.store.timers.nextDue();
    if (next === undefined) return;
    const delay = Math.max(0, Math.min(next - this.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => this.runDueTimers(), delay);
    this.timer.unref();
  }
}
