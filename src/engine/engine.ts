// The execution engine: a durable state machine over executions -> stages -> runOrder groups -> actions.
// Every transition is one SQLite transaction; API calls and timers tell the engine which pipeline
// changed, and it advances that pipeline from what the store says (so a restart simply resumes).
import { randomUUID } from 'node:crypto';
import type {
  ActionDeclaration,
  ArtifactDetail,
  ArtifactRevision,
  ErrorDetails,
  PipelineDeclaration,
  StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import type { ActionExecutionRow, ActionStatus, ExecutionRow, ExecutionStatus, StageExecutionRow } from '../store/executions.js';
import type { TimerRow } from '../store/timers.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { pipelineArn } from '../util/arn.js';
import { newArtifactLocation, type ArtifactObjects } from './artifacts.js';
import type { UnzipLimits } from '../util/zip.js';
import { recordActionEvent, recordExecutionEvent, recordStageEvent } from './events.js';
import type { ActionProvider, ActionStart, ProviderTable } from './provider.js';
import { resolveConfiguration, unresolvedActionMessage, UnresolvedVariableError, type VariableScope } from './variables.js';
import { StageConditions } from './conditions.js';
import { Scheduler, type PipelineKey } from './scheduler.js';
import { withoutLocalPaths } from '../util/localPaths.js';
import type { LocalConfig } from '../localConfig.js';
import type { ObjectStore } from '../services/s3/store.js';
import type { ActionLogs } from '../logs/actionLogs.js';

export interface ActionResult {
  status: 'Succeeded' | 'Failed' | 'Abandoned';
  summary?: string;
  errorDetails?: ErrorDetails;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  outputVariables?: Record<string, string>;
  /** A source action's revision, reported into the execution's artifactRevisions. */
  revision?: Omit<ArtifactRevision, 'name'>;
  lastUpdatedBy?: string;
}

export interface StartRequest {
  trigger: { triggerType: string; triggerDetail?: string };
  variables?: { name: string; value: string }[];
  sourceRevisions?: ExecutionRow['sourceRevisions'];
  clientRequestToken?: string;
}

const ACTIVE: ExecutionStatus[] = ['InProgress', 'Stopping'];

/** Why an execution must not start anything new: stopped by a user, or cancelled by a pipeline update. */
function halting(exec: ExecutionRow): 'Stopped' | 'Cancelled' | undefined {
  if (exec.status === 'Stopping') return 'Stopped';
  return exec.stopMode === 'cancel' ? 'Cancelled' : undefined;
}

/** The name of the stage an execution is in, or waits in front of (stage locks go by name: versions may reorder stages). */
function stageNameOf(exec: ExecutionRow): string | undefined {
  return exec.declaration.stages?.[exec.stageIndex]?.name;
}

/**
 * Whether an execution runs inside the stage. By name: an execution of an older pipeline version may
 * still run the same stage at another index.
 */
const runningIn = (active: ExecutionRow[], stage: string) =>
  active.find((o) => ACTIVE.includes(o.status) && o.phase === 'running' && stageNameOf(o) === stage);
const occupied = (active: ExecutionRow[], stage: string) => runningIn(active, stage) !== undefined;

/**
 * Everything the engine works with, built once by start() (src/index.ts) and given to the constructor;
 * nothing is assigned from outside afterwards.
 */
export interface EngineParts {
  store: Store;
  clock: Clock;
  log: Logger;
  /** The local configuration (repositories, CodeBuild projects, Lambda handlers...). */
  localConfig: LocalConfig;
  /** The local S3-compatible object store (buckets, versions, object-created events). */
  objects: ObjectStore;
  /** Where providers read input artifacts and write output artifacts (the object store's artifact view). */
  artifacts: ArtifactObjects;
  /** Every action's log. */
  logs: ActionLogs;
  /** What one input artifact may unpack to (--max-artifact-size). */
  unzipLimits: UnzipLimits;
  /** When signatures are verified: a key acting in the account, for the Lambda handlers and job workers a pipeline runs. */
  credentialsFor?: (account: string) => { accessKeyId: string; secretAccessKey: string };
  /** The emulator's own address (http://host:port): known only once it listens, so asked for when needed. */
  ownUrl: () => string;
  /** The providers, by action type: filled once by registerProviders() right after the engine is built. */
  providers: ProviderTable;
}

export class Engine {
  /** Pending work, after-commit side effects and durable timers: the engine asks, the scheduler runs (read by the engine benchmark). */
  readonly scheduler: Scheduler;
  readonly conditions: StageConditions;
  /**
   * How hard advance() had to work: the most passes one advance needed, and how many times it gave up
   * at its guard (a bug: some step reports a change forever). Tests assert the guard is never hit.
   */
  readonly stats = { maxPasses: 0, unsettled: 0 };
  /** Passes after which advance() gives up on a pipeline that does not settle. */
  static readonly MAX_PASSES = 10_000;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /** The local configuration (repositories, CodeBuild projects, Lambda handlers...). */
  readonly localConfig: LocalConfig;
  /** Told when a pipeline is created, updated or deleted (after its transaction): change detection follows. */
  readonly pipelineListeners = new Set<(scope: Scope, pipeline: string, declaration?: PipelineDeclaration | null) => void>();
  /** When signatures are verified: a key acting in the account, for the Lambda handlers and job workers a pipeline runs. */
  readonly credentialsFor?: (account: string) => { accessKeyId: string; secretAccessKey: string };
  /** What one input artifact may unpack to (--max-artifact-size). */
  readonly unzipLimits: UnzipLimits;
  /** The local S3-compatible object store (buckets, versions, object-created events). */
  readonly objects: ObjectStore;
  /** Every action's log. */
  readonly logs: ActionLogs;
  /**
   * Where providers read and write artifacts. Not readonly only so that a test can wrap it to hold or
   * fail a read (conformance/providerEdges.test.ts); the emulator itself never reassigns it.
   */
  artifacts: ArtifactObjects;
  private readonly providers: ProviderTable;
  private readonly ownUrl: () => string;

  constructor(parts: EngineParts) {
    const { store, clock, log } = parts;
    this.store = store;
    this.clock = clock;
    this.log = log;
    this.localConfig = parts.localConfig;
    this.objects = parts.objects;
    this.artifacts = parts.artifacts;
    this.logs = parts.logs;
    this.unzipLimits = parts.unzipLimits;
    this.credentialsFor = parts.credentialsFor;
    this.ownUrl = parts.ownUrl;
    this.providers = parts.providers;
    this.scheduler = new Scheduler(store, clock, log, { advance: (k) => this.advance(k), fireTimer: (t) => this.fireTimer(t) });
    this.conditions = new StageConditions({ store, clock, variableScope: (exec) => this.variableScope(exec), schedule: (k) => this.schedule(k) });
  }

  /** The emulator's own address (http://host:port): for log URLs and local Lambda handlers. */
  get baseUrl(): string {
    return this.ownUrl();
  }

  /** The provider that runs an action of this type. */
  providerFor(action: ActionDeclaration): ActionProvider {
    return this.providers.resolve(action);
  }

  /** Resumes every active pipeline and re-arms timers (on start-up). */
  resume() {
    // In-process work (a local build) died with the previous process: fail it rather than run it twice.
    this.store.tx(() => {
      for (const row of this.store.executions.inProgressActions()) {
        const exec = this.store.executions.get(row.executionId);
        const action = exec?.declaration.stages?.find((s) => s.name === row.stage)?.actions?.find((a) => a.name === row.action);
        if (!action || !this.providerFor(action).run) continue;
        const message = 'The action was interrupted because codepipeline-local stopped while it ran; retry the stage to run it again';
        this.completeAction(row.id, { status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
      }
    });
    this.scheduler.start(this.store.executions.activePipelines());
  }

  shutdown() {
    this.scheduler.stop();
  }

  /**
   * Before the whole state is replaced (reset, restore): ends the in-process work of every action in
   * progress (builds, local Lambda commands) and schedules nothing more until resumeAfterReplace().
   */
  pauseForReplace() {
    this.store.tx(() => {
      for (const row of this.store.executions.inProgressActions()) {
        const exec = this.store.executions.get(row.executionId);
        const action = exec?.declaration.stages?.find((s) => s.name === row.stage)?.actions?.find((a) => a.name === row.action);
        if (!action) continue;
        try {
          this.providerFor(action).cancel?.(row);
        } catch (e) {
          this.log.error(`engine: ending ${row.action} for a state replacement failed`, e);
        }
      }
    });
    this.scheduler.pause();
  }

  /** After the state was replaced: resumes from what the store now says, as at start-up. */
  resumeAfterReplace() {
    this.resume();
  }

  /** Records a new execution of the pipeline's current version; the caller runs it inside a transaction. */
  createExecution(scope: Scope, decl: PipelineDeclaration, req: StartRequest, extra: Partial<ExecutionRow> = {}): ExecutionRow {
    const now = this.clock.now();
    const overrides = new Map((req.variables ?? []).map((v) => [v.name, v.value]));
    const exec: ExecutionRow = {
      id: randomUUID(),
      account: scope.account,
      region: scope.region,
      pipeline: decl.name!,
      seq: this.store.executions.nextSeq(scope, decl.name!),
      pipelineVersion: decl.version!,
      declaration: decl,
      status: 'InProgress',
      executionMode: decl.executionMode ?? 'SUPERSEDED',
      executionType: 'STANDARD',
      triggerType: req.trigger.triggerType,
      triggerDetail: req.trigger.triggerDetail,
      variables: (decl.variables ?? []).map((v) => ({ name: v.name, resolvedValue: overrides.get(v.name!) ?? v.defaultValue ?? '' })),
      sourceRevisions: req.sourceRevisions ?? [],
      artifactRevisions: [],
      clientRequestToken: req.clientRequestToken,
      stageIndex: 0,
      phase: 'waiting',
      created: now,
      updated: now,
      ...extra,
    };
    this.store.executions.insert(exec);
    recordExecutionEvent(this.store, exec, 'STARTED', now);
    this.schedule(exec);
    return exec;
  }

  /** `declaration`: what is stored now (null: deleted), when the caller has it at hand (saves listeners a read). */
  pipelineChanged(scope: Scope, pipeline: string, declaration?: PipelineDeclaration | null) {
    for (const fn of this.pipelineListeners) fn(scope, pipeline, declaration);
  }

  /** Marks the pipeline as changed; it is advanced once the current call stack (and its transaction) is done. */
  schedule(k: PipelineKey) {
    this.scheduler.schedule(k);
  }

  /** Advances every pipeline marked as changed. Exposed for tests that need a settled state. */
  flush() {
    this.scheduler.flush();
  }

  private advance(k: PipelineKey) {
    // Each pass applies at most one step per execution; repeat until nothing moves.
    for (let pass = 1; pass <= Engine.MAX_PASSES; pass++) {
      const active = this.store.executions.active(k, k.pipeline);
      this.startedAndRunning = false;
      let changed = this.supersede(active);
      for (const exec of active) {
        if (!ACTIVE.includes(exec.status)) continue;
        if (this.step(exec, active)) changed = true;
      }
      // A lone execution whose pass ended by starting actions that are all still running: the next
      // pass would read the active executions, the stage and its actions again to find just that.
      if (!changed || (active.length === 1 && this.startedAndRunning)) {
        if (pass > this.stats.maxPasses) this.stats.maxPasses = pass;
        return;
      }
    }
    this.stats.unsettled++;
    this.log.error(`engine: ${k.pipeline} did not settle`);
  }

  /**
   * SUPERSEDED mode: of the executions waiting in front of the same stage, only the newest stays.
   * Only a stage that holds executions back (one runs inside it, or its inbound transition is
   * disabled) has waiting executions: in front of a free stage the oldest simply goes in (two
   * executions started at once both run, the newer one then waiting for the first stage).
   */
  private supersede(active: ExecutionRow[]): boolean {
    let changed = false;
    const held = (e: ExecutionRow, stage: string | undefined) =>
      stage !== undefined && (occupied(active, stage) || this.inboundDisabled(e, stage));
    const newestWaiting = new Map<string | undefined, ExecutionRow>();
    for (const e of active) {
      if (e.executionMode !== 'SUPERSEDED' || e.phase !== 'waiting' || e.status !== 'InProgress') continue;
      const stage = stageNameOf(e);
      if (!held(e, stage)) continue;
      const other = newestWaiting.get(stage);
      if (!other) {
        newestWaiting.set(stage, e);
        continue;
      }
      const [older, newer] = other.seq < e.seq ? [other, e] : [e, other];
      newestWaiting.set(stage, newer);
      this.finishExecution(older, 'Superseded');
      changed = true;
    }
    return changed;
  }

  /**
   * One step of one execution; returns whether anything changed. A pipeline's only active execution
   * goes on in the same pass (a stage finished, the next entered, its actions started: one pass, not
   * three, each of which read the active executions again). Nothing else can contend with it, and its
   * row in memory is what the store holds, until an action starts: a provider's begin may record an
   * outcome (and the revisions it brings) that only the next pass reads, so the chain stops there.
   */
  private step(exec: ExecutionRow, active: ExecutionRow[]): boolean {
    this.startedAndRunning = false;
    this.entered = undefined;
    const started = this.actionsStarted;
    const ended = this.actionsEnded;
    if (!this.stepOnce(exec, active)) return false;
    if (active.length !== 1) return true;
    for (let n = 0; n < 100 && started === this.actionsStarted && ACTIVE.includes(exec.status); n++) if (!this.stepOnce(exec, active)) break;
    this.startedAndRunning = started !== this.actionsStarted && ended === this.actionsEnded && ACTIVE.includes(exec.status) && exec.phase === 'running';
    return true;
  }

  /** Actions started so far (see step()). */
  private actionsStarted = 0;
  /** Action outcomes recorded so far (a begin may record one at once; a configuration that fails to resolve is one). */
  private actionsEnded = 0;
  /** The stage row enterStage just wrote, as stored: the lone execution's next stepOnce reads it from here (see step()). */
  private entered: StageExecutionRow | undefined;
  /** The last step() ended by starting actions, all InProgress, in a running stage: its next pass would find nothing to do. */
  private startedAndRunning = false;

  private stepOnce(exec: ExecutionRow, active: ExecutionRow[]): boolean {
    const stages = exec.declaration.stages!;
    if (exec.phase === 'waiting') {
      const halt = halting(exec);
      if (halt) {
        this.finishExecution(exec, halt);
        return true;
      }
      const stage = stages[exec.stageIndex];
      if (this.inboundDisabled(exec, stage.name!)) return false;
      if (exec.executionMode !== 'PARALLEL') {
        if (occupied(active, stage.name!)) return false;
        const queuedBefore = (o: ExecutionRow) => o.phase === 'waiting' && o.seq < exec.seq && ACTIVE.includes(o.status) && stageNameOf(o) === stage.name;
        if (exec.executionMode === 'QUEUED' && active.some(queuedBefore)) return false;
      }
      this.enterStage(exec, stage, 1);
      return true;
    }
    if (exec.phase === 'running') return this.stepStage(exec, stages[exec.stageIndex]);
    return false;
  }

  /** The execution that runs inside the stage now, whatever pipeline version it runs (the stage lock). */
  executionInStage(k: PipelineKey, stage: string): ExecutionRow | undefined {
    return runningIn(this.store.executions.active(k, k.pipeline), stage);
  }

  /** A disabled inbound transition holds executions in front of a stage (the first stage has none). */
  private inboundDisabled(exec: ExecutionRow, stage: string): boolean {
    return exec.stageIndex > 0 && this.store.transitions.forPipeline(exec, exec.pipeline).get(stage)?.enabled === false;
  }

  private enterStage(exec: ExecutionRow, stage: StageDeclaration, attempt: number, retryMode?: string) {
    const now = this.clock.now();
    exec.phase = 'running';
    exec.status = 'InProgress';
    exec.updated = now;
    this.store.executions.updateExecution(exec.id, { phase: 'running', status: 'InProgress', updated: now });
    this.entered = this.store.executions.putStage({ executionId: exec.id, stage: stage.name!, attempt, status: 'InProgress', retryMode, started: now, updated: now });
    recordStageEvent(this.store, exec, stage.name!, attempt > 1 ? 'RESUMED' : 'STARTED', now);
  }

  /** The action executions that count for the stage's current attempt, by action name. */
  currentActions(exec: ExecutionRow, stageName: string, se = this.store.executions.stage(exec.id, stageName)): Map<string, ActionExecutionRow> {
    const out = new Map<string, ActionExecutionRow>();
    if (!se) return out;
    // Rows come oldest attempt first; a FAILED_ACTIONS retry keeps each action's latest earlier success.
    for (const row of this.store.executions.stageActions(exec.id, stageName)) {
      if (row.attempt === se.attempt) out.set(row.action, row);
      else if (se.retryMode === 'FAILED_ACTIONS' && row.attempt < se.attempt) {
        if (row.status === 'Succeeded') out.set(row.action, row);
        else out.delete(row.action);
      }
    }
    return out;
  }

  private stepStage(exec: ExecutionRow, stage: StageDeclaration): boolean {
    const entered = this.entered;
    this.entered = undefined;
    const se = entered?.executionId === exec.id && entered.stage === stage.name ? entered : this.store.executions.stage(exec.id, stage.name!)!;
    const halt = halting(exec);
    // Entry conditions are checked when the stage is entered, before any action starts (not on retries).
    if (se.attempt === 1 && stage.beforeEntry) {
      const entry = this.conditions.evaluate(exec, stage, 'BEFORE_ENTRY', 1);
      if (entry.kind === 'pending' && !halt) return false;
      if (entry.kind !== 'met') {
        this.finishStage(exec, stage, halt ?? (entry.kind === 'notMet' && entry.result === 'SKIP' ? 'Skipped' : 'Failed'));
        return true;
      }
    }
    const current = this.currentActions(exec, stage.name!, se);
    const actions = stage.actions ?? [];
    const orders = [...new Set(actions.map((a) => a.runOrder ?? 1))].sort((a, b) => a - b);
    for (const order of orders) {
      const group = actions.filter((a) => (a.runOrder ?? 1) === order);
      const states = group.map((a) => current.get(a.name!));
      if (states.every((s) => s?.status === 'Succeeded')) continue;
      if (states.some((s) => s?.status === 'InProgress')) return false;
      if (states.some((s) => s !== undefined && s.status !== 'Succeeded')) return this.stageFailed(exec, stage, se.attempt);
      if (halt) {
        this.finishStage(exec, stage, halt);
        return true;
      }
      for (const a of group) if (!current.has(a.name!)) this.startAction(exec, stage, a, se.attempt);
      return true;
    }
    if (stage.onSuccess && !halt) {
      const check = this.conditions.evaluate(exec, stage, 'ON_SUCCESS', se.attempt);
      if (check.kind === 'pending') return false;
      if (check.kind === 'notMet') {
        this.finishStage(exec, stage, 'Failed');
        if (check.result === 'ROLLBACK') this.rollbackAfterFailure(exec, stage);
        return true;
      }
    }
    this.finishStage(exec, stage, 'Succeeded', se);
    return true;
  }

  /** A stage's actions failed: apply its onFailure result (RETRY once, SKIP, ROLLBACK) or fail it. */
  private stageFailed(exec: ExecutionRow, stage: StageDeclaration, attempt: number): boolean {
    const halt = halting(exec);
    const onFailure = stage.onFailure;
    let result = halt ? undefined : onFailure?.result;
    if (!halt && onFailure?.conditions?.length) {
      // With conditions, the result engages only when they are met.
      const check = this.conditions.evaluate(exec, stage, 'ON_FAILURE', attempt);
      if (check.kind === 'pending') return false;
      result = check.kind === 'met' ? (onFailure.conditions.find((c) => c.result)?.result ?? result) : undefined;
    }
    if (result === 'RETRY' && attempt === 1) {
      const now = this.clock.now();
      this.store.executions.putStage({ ...this.store.executions.stage(exec.id, stage.name!)!, status: 'Failed', updated: now });
      recordStageEvent(this.store, exec, stage.name!, 'FAILED', now);
      this.enterStage(exec, stage, attempt + 1, onFailure?.retryConfiguration?.retryMode ?? 'FAILED_ACTIONS');
      return true;
    }
    if (result === 'SKIP') {
      this.finishStage(exec, stage, 'Skipped');
      return true;
    }
    this.finishStage(exec, stage, halt ?? 'Failed');
    if (result === 'ROLLBACK') this.rollbackAfterFailure(exec, stage);
    return true;
  }

  /** `read` is the stage's row when the caller just read it (and wrote nothing to it since). */
  private finishStage(exec: ExecutionRow, stage: StageDeclaration, status: 'Succeeded' | 'Skipped' | 'Failed' | 'Stopped' | 'Cancelled', read?: StageExecutionRow) {
    const now = this.clock.now();
    const se = read ?? this.store.executions.stage(exec.id, stage.name!)!;
    this.store.executions.putStage({ ...se, status, updated: now });
    recordStageEvent(this.store, exec, stage.name!, status.toUpperCase(), now);
    // A rollback execution runs only the stage it rolls back.
    const last = exec.executionType === 'ROLLBACK' || exec.stageIndex === exec.declaration.stages!.length - 1;
    const halt = halting(exec);
    const passed = status === 'Succeeded' || status === 'Skipped';
    if (passed && !last && !halt) {
      exec.stageIndex += 1;
      exec.phase = 'waiting';
      exec.updated = now;
      this.store.executions.updateExecution(exec.id, { stageIndex: exec.stageIndex, phase: 'waiting', updated: now });
      return;
    }
    // A stopped or cancelled execution ends so even when its last stage completed.
    const final: ExecutionStatus = passed ? (halt ?? 'Succeeded') : status;
    this.finishExecution(exec, final);
  }

  /** The newest standard execution of the current pipeline version that succeeded in the stage. */
  rollbackTarget(scope: PipelineKey, stageName: string, version: number, excluding?: string): ExecutionRow | undefined {
    // The newest 1000 at most, read a few at a time (the target is usually among the first).
    for (let before = Number.MAX_SAFE_INTEGER, read = 0; read < 1000; ) {
      const page = this.store.executions.list(scope, scope.pipeline, before, Math.min(50, 1000 - read));
      for (const e of page) {
        if (e.id === excluding || e.executionType !== 'STANDARD' || e.pipelineVersion !== version) continue;
        if (this.store.executions.stage(e.id, stageName)?.status === 'Succeeded') return e;
      }
      if (page.length < Math.min(50, 1000 - read)) return undefined;
      read += page.length;
      before = page[page.length - 1].seq;
    }
    return undefined;
  }

  /** Automatic rollback after a stage failed (onFailure or onSuccess ROLLBACK). */
  private rollbackAfterFailure(exec: ExecutionRow, stage: StageDeclaration) {
    if (exec.executionType === 'ROLLBACK' || exec.executionMode === 'PARALLEL') return;
    const target = this.rollbackTarget(exec, stage.name!, exec.pipelineVersion, exec.id);
    if (!target) return;
    this.createRollback(exec, exec.declaration, stage.name!, target, {
      triggerType: 'AutomatedRollback',
      triggerDetail: JSON.stringify({ FailedPipelineExecutionId: exec.id }),
    });
  }

  /** A ROLLBACK execution: the stage runs again with the target execution's revisions and artifacts. */
  createRollback(scope: Scope, decl: PipelineDeclaration, stageName: string, target: ExecutionRow, trigger: StartRequest['trigger']): ExecutionRow {
    return this.createExecution(scope, decl, { trigger }, {
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: target.id },
      stageIndex: decl.stages!.findIndex((s) => s.name === stageName),
      artifactRevisions: target.artifactRevisions,
      variables: target.variables,
      sourceRevisions: target.sourceRevisions,
    });
  }

  finishExecution(exec: ExecutionRow, status: ExecutionStatus, statusSummary?: string) {
    const now = this.clock.now();
    exec.status = status;
    exec.phase = 'done';
    exec.updated = now;
    this.store.executions.updateExecution(exec.id, { status, phase: 'done', updated: now, ...(statusSummary && { statusSummary }) });
    const state = { Succeeded: 'SUCCEEDED', Failed: 'FAILED', Stopped: 'STOPPED', Superseded: 'SUPERSEDED', Cancelled: 'CANCELED' }[status as string];
    if (state) recordExecutionEvent(this.store, exec, state, now);
  }

  /** Variables visible to an action: the execution's, the pipeline's, and earlier actions' outputs by namespace. */
  variableScope(exec: ExecutionRow, lineage = this.lineageActions(exec)): VariableScope {
    const scope: VariableScope = new Map();
    scope.set('codepipeline', { PipelineExecutionId: exec.id });
    scope.set('variables', Object.fromEntries(exec.variables.map((v) => [v.name!, v.resolvedValue ?? ''])));
    const namespaces = new Map<string, string>();
    for (const s of exec.declaration.stages ?? []) for (const a of s.actions ?? []) if (a.namespace) namespaces.set(`${s.name}/${a.name}`, a.namespace);
    for (const row of lineage) {
      const ns = namespaces.get(`${row.stage}/${row.action}`);
      if (ns && row.status === 'Succeeded' && row.output?.outputVariables) scope.set(ns, row.output.outputVariables);
    }
    return scope;
  }

  /** Where each artifact produced so far in this execution lives (latest producer wins). */
  private producedArtifacts(lineage: ActionExecutionRow[]): Map<string, ArtifactDetail> {
    const out = new Map<string, ArtifactDetail>();
    for (const row of lineage)
      if (row.status === 'Succeeded') for (const a of row.output?.outputArtifacts ?? []) out.set(a.name!, a);
    return out;
  }

  /** The action executions whose outputs an execution sees: a rollback's target's first, then its own. */
  private lineageActions(exec: ExecutionRow): ActionExecutionRow[] {
    const target = exec.rollbackMetadata?.rollbackTargetPipelineExecutionId;
    const own = this.store.executions.actions(exec.id);
    return target ? [...this.store.executions.actions(target), ...own] : own;
  }

  private startAction(exec: ExecutionRow, stage: StageDeclaration, action: ActionDeclaration, attempt: number) {
    this.actionsStarted++;
    const now = this.clock.now();
    const region = action.region ?? exec.region;
    // Both the artifacts and the variables come from the same earlier actions: read them once.
    const lineage = this.lineageActions(exec);
    const produced = this.producedArtifacts(lineage);
    const revisions = new Map(exec.artifactRevisions.map((r) => [r.name, r.revisionId]));
    const inputArtifacts = (action.inputArtifacts ?? []).map((a) => ({
      name: a.name,
      s3location: produced.get(a.name!)?.s3location,
      revision: revisions.get(a.name) ?? undefined,
    }));
    const outputArtifacts = (action.outputArtifacts ?? []).map((a) => ({ name: a.name!, location: newArtifactLocation(exec.declaration, region, a.name!) }));
    const row: ActionExecutionRow = {
      id: randomUUID(),
      executionId: exec.id,
      stage: stage.name!,
      action: action.name!,
      attempt,
      status: 'InProgress',
      input: {
        actionTypeId: action.actionTypeId,
        configuration: action.configuration ?? {},
        resolvedConfiguration: {},
        roleArn: action.roleArn,
        region,
        inputArtifacts: inputArtifacts.map(({ name, s3location }) => ({ name, s3location })),
        namespace: action.namespace,
      },
      output: { outputArtifacts: outputArtifacts.map((o) => ({ name: o.name, s3location: o.location })) },
      started: now,
      updated: now,
    };
    let resolvedConfiguration: Record<string, string>;
    try {
      resolvedConfiguration = resolveConfiguration(action.configuration ?? {}, this.variableScope(exec, lineage));
    } catch (e) {
      if (!(e instanceof UnresolvedVariableError)) throw e;
      const message = unresolvedActionMessage(action.name, e);
      this.actionsEnded++;
      this.store.executions.insertAction({ ...row, status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
      recordActionEvent(this.store, exec, stage.name!, action, 'FAILED', now);
      return;
    }
    row.input.resolvedConfiguration = resolvedConfiguration;
    this.store.executions.insertAction(row);
    this.logs.started(row.id);
    recordActionEvent(this.store, exec, stage.name!, action, 'STARTED', now);
    const provider = this.providerFor(action);
    const start: ActionStart = { execution: exec, stage, action, actionExecution: row, resolvedConfiguration, inputArtifacts, outputArtifacts, now };
    const begun = provider.begin(start);
    if (begun) this.store.executions.updateAction(row.id, { ...begun });
    if (provider.run) this.scheduler.afterCommitted(() => this.runInProcess(provider, start));
  }

  /** Runs a provider's in-process work; a failure to even report fails the action. */
  private runInProcess(provider: ActionProvider, start: ActionStart) {
    provider.run!(start).catch((e: unknown) => {
      // After shutdown the store is closed: the work was cut short, and resume() fails it next start.
      if (this.scheduler.stopped) return;
      const message = withoutLocalPaths(e instanceof Error ? e.message : String(e), this.localConfig.dataDir);
      this.log.error(`engine: ${start.action.name} failed to run`, e);
      this.reportOutcome(start.actionExecution.id, { status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
    });
  }

  /**
   * An in-process action's outcome, recorded together with the pipeline's next step (the next
   * action started, the stage or execution ended) in one transaction; what the step starts runs
   * after the commit. A SIGKILL before the commit loses both, and the next start fails the action as
   * interrupted, as it would have before the outcome's own commit.
   */
  reportOutcome(actionExecutionId: string, result: ActionResult) {
    this.scheduler.commitAndAdvance(() => this.completeAction(actionExecutionId, result));
  }

  /**
   * Runs `change` (a request's transaction, e.g. one that creates an execution) and the advances it
   * asks for in one transaction: a new execution enters its first stage and starts its actions in
   * the commit that records it. What the advance starts runs after the commit.
   */
  commitAndAdvance<T>(change: () => T): T {
    return this.scheduler.commitAndAdvance(change);
  }

  /** A provider reports the outcome of an action; the caller runs it inside a transaction. */
  completeAction(actionExecutionId: string, result: ActionResult) {
    const row = this.store.executions.action(actionExecutionId);
    if (!row || row.status !== 'InProgress') return;
    this.actionsEnded++;
    // The action's log is on disk before its outcome is recorded.
    this.logs.settle(row.id);
    const exec = this.store.executions.get(row.executionId)!;
    const now = this.clock.now();
    const output = {
      ...row.output,
      outputArtifacts: result.status === 'Succeeded' ? row.output?.outputArtifacts : [],
      executionResult: {
        externalExecutionId: result.externalExecutionId ?? row.externalExecutionId,
        externalExecutionSummary: result.summary,
        externalExecutionUrl: result.externalExecutionUrl ?? row.externalExecutionUrl,
        ...(result.errorDetails && { errorDetails: result.errorDetails }),
      },
      ...(result.outputVariables && { outputVariables: result.outputVariables }),
    };
    this.store.executions.updateAction(row.id, {
      status: result.status as ActionStatus,
      summary: result.summary,
      output,
      errorDetails: result.errorDetails,
      lastUpdatedBy: result.lastUpdatedBy,
      updated: now,
      ...(result.externalExecutionId && { externalExecutionId: result.externalExecutionId }),
      ...(result.externalExecutionUrl && { externalExecutionUrl: result.externalExecutionUrl }),
    });
    if (result.status === 'Succeeded' && result.revision) {
      const action = exec.declaration.stages!.find((s) => s.name === row.stage)?.actions?.find((a) => a.name === row.action);
      const revisions = [...exec.artifactRevisions];
      for (const art of action?.outputArtifacts ?? []) {
        const entry = { name: art.name, ...result.revision, created: result.revision.created ?? (new Date(now) as unknown as Date) };
        const i = revisions.findIndex((r) => r.name === art.name);
        if (i >= 0) revisions[i] = entry;
        else revisions.push(entry);
      }
      this.store.executions.updateExecution(exec.id, { artifactRevisions: revisions, updated: now });
    }
    this.store.timers.cancel(row.id);
    const action = exec.declaration.stages!.find((s) => s.name === row.stage)?.actions?.find((a) => a.name === row.action);
    if (action) recordActionEvent(this.store, exec, row.stage, action, result.status.toUpperCase(), now);
    this.schedule(exec);
  }

  /** StopPipelineExecution: stop-and-wait lets in-progress actions finish; abandon ends them now. */
  stopExecution(exec: ExecutionRow, abandon: boolean, reason?: string) {
    const now = this.clock.now();
    this.store.executions.updateExecution(exec.id, { status: 'Stopping', stopMode: abandon ? 'abandon' : 'wait', stopReason: reason, updated: now });
    exec.status = 'Stopping';
    recordExecutionEvent(this.store, exec, 'STOPPING', now);
    if (exec.phase !== 'running') return this.schedule(exec);
    const stage = exec.declaration.stages![exec.stageIndex];
    const se = this.store.executions.stage(exec.id, stage.name!);
    if (se?.status === 'InProgress') {
      this.store.executions.putStage({ ...se, status: 'Stopping', updated: now });
      recordStageEvent(this.store, exec, stage.name!, 'STOPPING', now);
    }
    if (abandon) {
      for (const row of this.currentActions(exec, stage.name!).values()) {
        if (row.status !== 'InProgress') continue;
        const action = stage.actions!.find((a) => a.name === row.action)!;
        this.providerFor(action).cancel?.(row);
        this.completeAction(row.id, { status: 'Abandoned', summary: reason });
      }
    }
    this.schedule(exec);
  }

  /** RetryStageExecution: the failed or stopped stage runs again in the same execution. */
  retryStage(exec: ExecutionRow, stage: StageDeclaration, retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS') {
    const se = this.store.executions.stage(exec.id, stage.name!)!;
    exec.stopMode = undefined;
    this.store.executions.updateExecution(exec.id, { stopMode: undefined, stopReason: undefined });
    this.enterStage(exec, stage, se.attempt + 1, retryMode);
    recordExecutionEvent(this.store, exec, 'RESUMED', this.clock.now());
    this.schedule(exec);
  }

  /** After a failed condition is overridden: the stage goes on in the same attempt, the execution runs again. */
  resumeStage(exec: ExecutionRow, stage: StageDeclaration) {
    const now = this.clock.now();
    const se = this.store.executions.stage(exec.id, stage.name!)!;
    this.store.executions.putStage({ ...se, status: 'InProgress', updated: now });
    exec.status = 'InProgress';
    exec.phase = 'running';
    this.store.executions.updateExecution(exec.id, { status: 'InProgress', phase: 'running', updated: now });
    recordStageEvent(this.store, exec, stage.name!, 'RESUMED', now);
    recordExecutionEvent(this.store, exec, 'RESUMED', now);
    this.schedule(exec);
  }

  /**
   * UpdatePipeline: as in AWS, running actions complete, then their stages and executions end as
   * Cancelled; executions waiting between stages are cancelled at once.
   */
  cancelForUpdate(scope: Scope, pipeline: string) {
    for (const exec of this.store.executions.active(scope, pipeline)) {
      if (exec.status !== 'InProgress') continue;
      this.store.executions.updateExecution(exec.id, { stopMode: 'cancel' });
    }
    this.schedule({ ...scope, pipeline });
  }

  /** Acts on one due timer (the scheduler deleted it); the caller runs it inside a transaction. */
  private fireTimer(t: TimerRow) {
    if (t.kind === 'rule-recheck') return this.conditions.recheck(t.ref);
    const row = this.store.executions.action(t.ref);
    if (!row || row.status !== 'InProgress') return;
    const exec = this.store.executions.get(row.executionId)!;
    const action = exec.declaration.stages!.find((s) => s.name === row.stage)?.actions?.find((a) => a.name === row.action);
    if (action) this.providerFor(action).timeout?.(row, t.kind);
  }

  /**
   * An answer (PutApprovalResult, a job result) must not beat its own timeout: the action's timers
   * that already fell due fire first, in their own transaction (see Scheduler.expireDue).
   */
  expireDue(actionExecutionId: string) {
    this.scheduler.expireDue(actionExecutionId);
  }

  /** Durable timers: the due ones fire now; the next one is armed with a real timeout. */
  runDueTimers() {
    this.scheduler.runDueTimers();
  }

  pipelineArnOf(exec: ExecutionRow) {
    return pipelineArn(exec.region, exec.account, exec.pipeline);
  }
}
