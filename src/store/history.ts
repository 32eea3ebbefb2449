// Execution history past its retention: which executions may go, and removing one with everything
// recorded about it (its stages, actions, jobs, rule executions, condition overrides and events).
import type { Db } from './db.js';
import type { ExecutionStore } from './executions.js';
import type { Scope } from './scope.js';

/** One finished execution older than the cutoff, in the order retention walks them (last change, then rowid). */
export interface HistoryCandidate {
  id: string;
  account: string;
  region: string;
  pipeline: string;
  seq: number;
  status: string;
  updated: number;
  rowid: number;
}

export class HistoryStore {
  private readonly s;
  constructor(
    db: Db,
    private readonly executions: ExecutionStore,
  ) {
    this.s = {
      oldest: db.prepare<[number, number, number, number], HistoryCandidate>(
        `SELECT rowid, id, account, region, pipeline, seq, status, updated FROM executions INDEXED BY executions_by_updated
          WHERE status NOT IN ('InProgress', 'Stopping') AND updated < ? AND (updated, rowid) > (?, ?) ORDER BY updated, rowid LIMIT ?`,
      ),
      // Through executions_active_by_pipeline: only running executions are read.
      runningBefore: db
        .prepare<[number], number>(`SELECT COUNT(*) FROM executions WHERE status IN ('InProgress', 'Stopping') AND updated < ?`)
        .pluck(),
      latestSeq: db.prepare<[string, string, string]>('SELECT MAX(seq) FROM executions WHERE account = ? AND region = ? AND pipeline = ?').pluck(),
      stagesOf: db.prepare<[string]>('SELECT stage FROM stage_executions WHERE execution_id = ?').pluck(),
      actionsOf: db.prepare<[string], { stage: string; action: string }>('SELECT DISTINCT stage, action FROM action_executions WHERE execution_id = ?'),
      actionIds: db.prepare<[string]>('SELECT id FROM action_executions WHERE execution_id = ?').pluck(),
      deleteEvents: db.prepare('DELETE FROM events WHERE execution_id = ?'),
      pipelineActionIds: db.prepare<[string, string, string]>('SELECT id FROM action_executions WHERE account = ? AND region = ? AND pipeline = ?').pluck(),
      deletePipelineEvents: db.prepare('DELETE FROM events WHERE account = ? AND region = ? AND pipeline = ?'),
      // Stages, actions (and their jobs), rule executions and condition overrides go with it (ON DELETE CASCADE).
      deleteExecution: db.prepare('DELETE FROM executions WHERE id = ?'),
    };
  }

  /**
   * Up to `limit` finished executions last changed before `cutoff`, after the one at (updated, rowid),
   * oldest first (a running execution is never pruned, and executions_by_updated holds only finished ones).
   */
  olderThan(cutoff: number, after: { updated: number; rowid: number }, limit: number): HistoryCandidate[] {
    return this.s.oldest.all(cutoff, after.updated, after.rowid, limit);
  }

  /** Running executions last changed before `cutoff` (they stay whatever their age). */
  runningBefore(cutoff: number): number {
    return this.s.runningBefore.get(cutoff) as number;
  }

  /**
   * Whether the execution must stay whatever its age: still running, the pipeline's latest, or holding
   * the latest run of one of its stages or actions (GetPipelineState shows those).
   */
  isPinned(c: HistoryCandidate): boolean {
    if (c.status === 'InProgress' || c.status === 'Stopping') return true;
    if (this.s.latestSeq.get(c.account, c.region, c.pipeline) === c.seq) return true;
    // The same reads GetPipelineState makes, so ties (runs started in the same millisecond) resolve alike.
    const stages = this.s.stagesOf.all(c.id) as string[];
    if (stages.some((stage) => this.executions.latestStage(c, c.pipeline, stage)?.executionId === c.id)) return true;
    const actions = this.s.actionsOf.all(c.id) as { stage: string; action: string }[];
    return actions.some((a) => this.executions.latestAction(c, c.pipeline, a.stage, a.action)?.executionId === c.id);
  }

  /**
   * Before a pipeline's executions are deleted with it: deletes its events (a pipeline created again
   * under the name starts without them) and answers its action execution ids (their logs go too).
   */
  forgetPipeline(s: Scope, pipeline: string): string[] {
    const actions = this.s.pipelineActionIds.all(s.account, s.region, pipeline) as string[];
    this.s.deletePipelineEvents.run(s.account, s.region, pipeline);
    return actions;
  }

  /** Deletes the execution and everything recorded about it; answers its action execution ids (their logs go too). */
  remove(executionId: string): string[] {
    const actions = this.s.actionIds.all(executionId) as string[];
    this.s.deleteEvents.run(executionId);
    this.s.deleteExecution.run(executionId);
    return actions;
  }
}
