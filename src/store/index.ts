// The store: one SQLite database and one module per table family.
import { openDb, type Db } from './db.js';
import { Checkpointer } from './checkpointer.js';
import { PipelineStore } from './pipelines.js';
import { TagStore } from './tags.js';
import { ActionTypeStore } from './actionTypes.js';
import { WebhookStore } from './webhooks.js';
import { ExecutionStore } from './executions.js';
import { JobStore } from './jobs.js';
import { TransitionStore } from './transitions.js';
import { EventStore } from './events.js';
import { TimerStore } from './timers.js';
import { RuleExecutionStore } from './ruleExecutions.js';
import { SourceHeadStore } from './sourceHeads.js';
import { HistoryStore } from './history.js';
import { SimulatedStore } from '../simulated/store.js';
import { ParameterStore } from '../parameters/store.js';
import { SecretStore } from '../secrets/store.js';
import { BuildStore } from '../builds/store.js';
import { countWrites, type WriteCount } from './writeGeneration.js';
import { versionDeclarations } from './parsedDeclarations.js';

export class Store {
  readonly pipelines: PipelineStore;
  readonly tags: TagStore;
  readonly actionTypes: ActionTypeStore;
  readonly webhooks: WebhookStore;
  readonly executions: ExecutionStore;
  readonly jobs: JobStore;
  readonly transitions: TransitionStore;
  readonly events: EventStore;
  readonly timers: TimerStore;
  readonly rules: RuleExecutionStore;
  /** Change detection's last-seen git heads. */
  readonly sourceHeads: SourceHeadStore;
  /** Executions past the history retention, and their removal. */
  readonly history: HistoryStore;
  /** Simulated AWS resources left by deploy and invoke actions (stacks, deployments, state machine executions). */
  readonly simulated: SimulatedStore;
  /** SSM parameters (src/parameters/), secrets (src/secrets/), CodeBuild projects, builds and build numbers (src/builds/). */
  readonly parameters: ParameterStore;
  readonly secrets: SecretStore;
  readonly builds: BuildStore;

  /** Moved by every statement that can change a row (writeGeneration.ts). */
  private readonly writes: WriteCount;
  /** One transaction wrapper for every tx() (a nested call becomes a savepoint), not one made per call. */
  private readonly inTransaction;
  /** WAL checkpoints in a worker thread (a database file only). */
  private readonly checkpointer: Checkpointer | undefined;

  constructor(
    readonly db: Db,
    readonly location: string,
  ) {
    // A nested tx() is a savepoint, and SQLite keeps a savepoint's page copies (its sub-journal) in a
    // temporary file by default: a write inside one cost 3x a write outside (the engine advances inside
    // an action's outcome transaction). Nothing durable lives there: a crash is recovered from the WAL.
    db.pragma('temp_store = MEMORY');
    this.writes = countWrites(db);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.checkpointer = location === ':memory:' ? undefined : new Checkpointer(db, location);
    this.pipelines = new PipelineStore(db);
    this.tags = new TagStore(db);
    this.actionTypes = new ActionTypeStore(db);
    this.webhooks = new WebhookStore(db);
    this.executions = new ExecutionStore(db);
    this.jobs = new JobStore(db);
    this.transitions = new TransitionStore(db);
    this.events = new EventStore(db);
    this.timers = new TimerStore(db);
    this.rules = new RuleExecutionStore(db);
    this.sourceHeads = new SourceHeadStore(db);
    this.history = new HistoryStore(db, this.executions);
    this.simulated = new SimulatedStore(db);
    this.parameters = new ParameterStore(db);
    this.secrets = new SecretStore(db);
    this.builds = new BuildStore(db);
  }

  static open(opts: { inMemory: boolean; dataDir: string }): Store {
    const { db, location } = openDb(opts);
    return new Store(db, location);
  }

  /**
   * Changes whenever a row of any table may have: moved by every statement of this connection that is
   * not read-only, before it runs (writeGeneration.ts; the emulator is the folder's only writer).
   * Read caches are valid while it stays the same.
   */
  writeGeneration(): number {
    return this.writes.value;
  }

  private readonly replaceListeners = new Set<(phase: 'before' | 'after') => void>();

  /** Tells `listener` before the whole state is replaced (reset, restore) and after; returns the unsubscribe. */
  onReplace(listener: (phase: 'before' | 'after') => void): () => void {
    this.replaceListeners.add(listener);
    return () => this.replaceListeners.delete(listener);
  }

  /** Called by a state replacement before the rows change, and after: in-process work tied to rows lets go of them. */
  replacing(phase: 'before' | 'after'): void {
    // What the stores keep between reads of rows about to be replaced (and replaced).
    this.timers.forget();
    versionDeclarations(this.db).clear();
    for (const l of [...this.replaceListeners]) l(phase);
  }

  /** Runs `fn` in one transaction: a state change is all or nothing. */
  tx<T>(fn: () => T): T {
    this.checkpointer?.noteWrite();
    return this.inTransaction(fn) as T;
  }

  close() {
    this.checkpointer?.stop();
    this.db.close();
  }
}

export type { Scope } from './scope.js';
