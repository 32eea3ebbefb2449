// History retention: executions whose last change is older than the retention (AWS keeps 12 months)
// are deleted with everything recorded about them and their action logs, so a long-running emulator
// does not grow forever. Never an execution still running, nor one GetPipelineState shows (the
// pipeline's latest, or the latest run of one of its stages or actions). Work is done in small
// transactions, each followed by a turn of the event loop, once at start and then periodically.
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/index.js';
import type { ActionLogs } from '../logs/actionLogs.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export const DEFAULT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Executions looked at per transaction at most: each one is a few index lookups and, when it goes, a few deletes. */
const BATCH = 50;
/**
 * And the time one transaction's work may take (it holds the event loop): deleting one execution
 * touches some twenty b-trees, a millisecond or more on a big database, so a batch ends early
 * rather than make requests wait.
 */
const BATCH_MS = 8;
/** How often a pass runs after the one at start. */
const INTERVAL_MS = 60 * 60 * 1000;

/** Why a retention setting is not usable, or undefined (0 keeps history forever). */
export function retentionError(days: number | undefined): string | undefined {
  if (days === undefined || (Number.isFinite(days) && days >= 0)) return undefined;
  return `invalid history retention ${days} (--history-retention-days or CODEPIPELINE_LOCAL_HISTORY_RETENTION_DAYS: a number of days, 0 to keep history forever)`;
}

export interface PruneResult {
  /** Executions deleted. */
  pruned: number;
  /** Executions past the retention that stay (running, or shown by GetPipelineState). */
  kept: number;
}

export class HistoryRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneResult> | undefined;
  private stopped = false;

  constructor(
    private readonly parts: { store: Store; logs: ActionLogs; clock: Clock; log: Logger },
    /** Days of history kept; 0: forever. */
    readonly days: number,
  ) {}

  /** A pass now, then one every hour (neither keeps the process alive). */
  start() {
    if (!this.days) return;
    void this.run();
    this.timer = setInterval(() => void this.run(), INTERVAL_MS);
    this.timer.unref();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One pass over the history past the retention (joins the pass already running). */
  run(): Promise<PruneResult> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<PruneResult> {
    const result: PruneResult = { pruned: 0, kept: 0 };
    if (!this.days) return result;
    const { store, logs, clock, log } = this.parts;
    const cutoff = clock.now() - this.days * DAY_MS;
    let after = { updated: Number.MIN_SAFE_INTEGER, rowid: 0 };
    try {
      // Running executions are not among the candidates (olderThan): they are counted here.
      result.kept = store.history.runningBefore(cutoff);
      for (;;) {
        if (this.stopped) break;
        const removedLogs: string[] = [];
        const began = performance.now();
        // The candidates looked at, oldest first: the last one is where the next batch goes on from.
        const { fetched, done, last } = store.tx(() => {
          const candidates = store.history.olderThan(cutoff, after, BATCH);
          let n = 0;
          for (const c of candidates) {
            if (store.history.isPinned(c)) result.kept++;
            else {
              removedLogs.push(...store.history.remove(c.id));
              result.pruned++;
            }
            n++;
            if (performance.now() - began > BATCH_MS) break;
          }
          return { fetched: candidates.length, done: n, last: candidates[n - 1] };
        });
        logs.remove(removedLogs);
        if (!last) break;
        after = last;
        // Every candidate left was looked at.
        if (done === fetched && fetched < BATCH) break;
        // Requests waiting since this batch began go first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (e) {
      // The store closed under a pass (a stop): the next start goes on where this one ended.
      if (!this.stopped) log.error('history retention: a pass failed', e);
    }
    // Said at info: history going away is never silent (it is the documented retention, as AWS's 12 months).
    if (result.pruned) log.info(`history retention: ${result.pruned} executions older than ${this.days} days deleted with their events and logs (--history-retention-days)`);
    return result;
  }
}
