// Pipeline executions, with the stage and action executions that belong to them.
import type {
  ActionExecutionInput,
  ActionExecutionOutput,
  ArtifactRevision,
  ErrorDetails,
  PipelineDeclaration,
  PipelineRollbackMetadata,
  ResolvedPipelineVariable,
  SourceRevisionOverride,
} from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';
import type { Scope } from './scope.js';
import { historyPages } from './historyPages.js';
import { parsedDeclaration, versionDeclarations, type VersionDeclarations } from './parsedDeclarations.js';

export type ExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Superseded' | 'Failed' | 'Cancelled';
/** Where an active execution is: waiting in front of stage_index, or running inside it. */
export type Phase = 'waiting' | 'running' | 'done';

export interface ExecutionRow {
  id: string;
  account: string;
  region: string;
  pipeline: string;
  seq: number;
  pipelineVersion: number;
  declaration: PipelineDeclaration;
  status: ExecutionStatus;
  statusSummary?: string;
  executionMode: string;
  executionType: string;
  triggerType: string;
  triggerDetail?: string;
  variables: ResolvedPipelineVariable[];
  sourceRevisions: SourceRevisionOverride[];
  artifactRevisions: ArtifactRevision[];
  rollbackMetadata?: PipelineRollbackMetadata;
  clientRequestToken?: string;
  stageIndex: number;
  phase: Phase;
  stopMode?: 'wait' | 'abandon' | 'cancel';
  stopReason?: string;
  created: number;
  updated: number;
}

/** What GetPipelineExecution shows of an execution: its row without the declaration it runs. */
export type ExecutionDetailRow = Pick<
  ExecutionRow,
  | 'id'
  | 'pipeline'
  | 'pipelineVersion'
  | 'status'
  | 'statusSummary'
  | 'executionMode'
  | 'executionType'
  | 'triggerType'
  | 'triggerDetail'
  | 'variables'
  | 'artifactRevisions'
  | 'rollbackMetadata'
>;

export type StageStatus = 'InProgress' | 'Failed' | 'Stopped' | 'Stopping' | 'Succeeded' | 'Cancelled' | 'Skipped';

export interface StageExecutionRow {
  executionId: string;
  stage: string;
  attempt: number;
  status: StageStatus;
  retryMode?: string;
  started: number;
  updated: number;
}

export type ActionStatus = 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';

export interface ActionExecutionRow {
  id: string;
  executionId: string;
  stage: string;
  action: string;
  attempt: number;
  status: ActionStatus;
  input: ActionExecutionInput;
  output?: ActionExecutionOutput;
  summary?: string;
  token?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  errorDetails?: ErrorDetails;
  percentComplete?: number;
  lastUpdatedBy?: string;
  started: number;
  updated: number;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = <T>(v: string | null): T | undefined => (v === null ? undefined : (JSON.parse(v) as T));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * An execution runs one version of its pipeline, and its row names that version instead of holding
 * another copy of its declaration (~1 KB per execution, the largest part of the row): the declaration
 * column is '' and the text is the pipeline_versions row's. Rows written before hold their own copy.
 */
const BY_VERSION = '';

/** The columns GetPipelineExecution shows, from an executions row (ExecutionStore.detail reads only these). */
function detailFromRaw(r: any): ExecutionDetailRow {
  return {
    id: r.id,
    pipeline: r.pipeline,
    pipelineVersion: r.pipeline_version,
    status: r.status,
    statusSummary: opt(r.status_summary),
    executionMode: r.execution_mode,
    executionType: r.execution_type,
    triggerType: r.trigger_type,
    triggerDetail: opt(r.trigger_detail),
    variables: JSON.parse(r.variables),
    artifactRevisions: JSON.parse(r.artifact_revisions),
    rollbackMetadata: parse(r.rollback_metadata),
  };
}

function executionFromRaw(r: any, versionDeclaration: (r: any) => PipelineDeclaration): ExecutionRow {
  return {
    ...detailFromRaw(r),
    account: r.account,
    region: r.region,
    seq: r.seq,
    declaration: r.declaration === BY_VERSION ? versionDeclaration(r) : parsedDeclaration(r.declaration),
    sourceRevisions: JSON.parse(r.source_revisions),
    clientRequestToken: opt(r.client_request_token),
    stageIndex: r.stage_index,
    phase: r.phase,
    stopMode: opt(r.stop_mode),
    stopReason: opt(r.stop_reason),
    created: r.created,
    updated: r.updated,
  };
}

function stageFromRaw(r: any): StageExecutionRow {
  return {
    executionId: r.execution_id,
    stage: r.stage,
    attempt: r.attempt,
    status: r.status,
    retryMode: opt(r.retry_mode),
    started: r.started,
    updated: r.updated,
  };
}

function actionFromRaw(r: any): ActionExecutionRow {
  return {
    id: r.id,
    executionId: r.execution_id,
    stage: r.stage,
    action: r.action,
    attempt: r.attempt,
    status: r.status,
    input: JSON.parse(r.input),
    output: parse(r.output),
    summary: opt(r.summary),
    token: opt(r.token),
    externalExecutionId: opt(r.external_execution_id),
    externalExecutionUrl: opt(r.external_execution_url),
    errorDetails: parse(r.error_details),
    percentComplete: opt(r.percent_complete),
    lastUpdatedBy: opt(r.last_updated_by),
    started: r.started,
    updated: r.updated,
  };
}

/** Columns an update may change, mapped to their SQL names and encoders. */
const EXECUTION_COLUMNS: Record<string, [string, (v: any) => unknown]> = {
  status: ['status', (v) => v],
  statusSummary: ['status_summary', (v) => v ?? null],
  artifactRevisions: ['artifact_revisions', json],
  stageIndex: ['stage_index', (v) => v],
  phase: ['phase', (v) => v],
  stopMode: ['stop_mode', (v) => v ?? null],
  stopReason: ['stop_reason', (v) => v ?? null],
  updated: ['updated', (v) => v],
};

const ACTION_COLUMNS: Record<string, [string, (v: any) => unknown]> = {
  status: ['status', (v) => v],
  output: ['output', json],
  summary: ['summary', (v) => v ?? null],
  token: ['token', (v) => v ?? null],
  externalExecutionId: ['external_execution_id', (v) => v ?? null],
  externalExecutionUrl: ['external_execution_url', (v) => v ?? null],
  errorDetails: ['error_details', json],
  percentComplete: ['percent_complete', (v) => v ?? null],
  lastUpdatedBy: ['last_updated_by', (v) => v ?? null],
  updated: ['updated', (v) => v],
};

function updater(db: Db, table: string, columns: Record<string, [string, (v: any) => unknown]>, key: string) {
  const cache = new Map<string, ReturnType<Db['prepare']>>();
  type Stmt = { run(...args: unknown[]): unknown };
  return (id: string, fields: Record<string, unknown>) => {
    const names = Object.keys(fields).filter((k) => k in columns).sort();
    if (!names.length) return;
    const sig = names.join(',');
    let stmt = cache.get(sig);
    if (!stmt) {
      stmt = db.prepare(`UPDATE ${table} SET ${names.map((n) => `${columns[n][0]} = ?`).join(', ')} WHERE ${key} = ?`);
      cache.set(sig, stmt);
    }
    (stmt as Stmt).run(...names.map((n) => columns[n][1](fields[n])), id);
  };
}

export class ExecutionStore {
  private readonly s;
  readonly updateExecution: (id: string, fields: Partial<ExecutionRow>) => void;
  readonly updateAction: (id: string, fields: Partial<ActionExecutionRow>) => void;

  /** Pipeline versions read through execution rows (parsedDeclarations.ts). */
  private readonly versions: VersionDeclarations;

  constructor(db: Db) {
    this.versions = versionDeclarations(db);
    this.s = {
      insert: db.prepare(
        `INSERT INTO executions (id, account, region, pipeline, seq, pipeline_version, declaration, status, execution_mode,
           execution_type, trigger_type, trigger_detail, variables, source_revisions, artifact_revisions, rollback_metadata,
           client_request_token, stage_index, phase, created, updated)
         VALUES (@id, @account, @region, @pipeline, @seq, @pipelineVersion, @declaration, @status, @executionMode,
           @executionType, @triggerType, @triggerDetail, @variables, @sourceRevisions, @artifactRevisions, @rollbackMetadata,
           @clientRequestToken, @stageIndex, @phase, @created, @updated)`,
      ),
      versionDeclaration: db
        .prepare<[string, string, string, number], string>('SELECT declaration FROM pipeline_versions WHERE account = ? AND region = ? AND name = ? AND version = ?')
        .pluck(),
      nextSeq: db.prepare<[string, string, string], { n: number }>(
        'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM executions WHERE account = ? AND region = ? AND pipeline = ?',
      ),
      get: db.prepare('SELECT * FROM executions WHERE id = ?'),
      getScoped: db.prepare('SELECT * FROM executions WHERE account = ? AND region = ? AND pipeline = ? AND id = ?'),
      // Whether the pipeline exists and, when it does, its execution's shown columns: one read.
      detail: db.prepare(
        `SELECT p.name IS NOT NULL AS pipeline_exists, e.id, e.pipeline, e.pipeline_version, e.status, e.status_summary, e.execution_mode,
                e.execution_type, e.trigger_type, e.trigger_detail, e.variables, e.artifact_revisions, e.rollback_metadata
           FROM (SELECT 1) LEFT JOIN pipelines p ON p.account = @account AND p.region = @region AND p.name = @pipeline
           LEFT JOIN executions e ON p.name IS NOT NULL AND e.account = @account AND e.region = @region AND e.pipeline = @pipeline AND e.id = @id`,
      ),
      byToken: db.prepare('SELECT * FROM executions WHERE account = ? AND region = ? AND pipeline = ? AND client_request_token = ?'),
      list: db.prepare('SELECT * FROM executions WHERE account = ? AND region = ? AND pipeline = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      active: db.prepare(
        "SELECT * FROM executions WHERE account = ? AND region = ? AND pipeline = ? AND status IN ('InProgress', 'Stopping') ORDER BY seq",
      ),
      activePipelines: db.prepare(
        "SELECT DISTINCT account, region, pipeline FROM executions WHERE status IN ('InProgress', 'Stopping')",
      ),
      latest: db.prepare('SELECT * FROM executions WHERE account = ? AND region = ? AND pipeline = ? ORDER BY seq DESC LIMIT 1'),
      // Searched in SQLite, newest first: a cheap substring test skips the rows that cannot match
      // before any JSON is read (a new revision is looked for through the whole history).
      withRevision: db.prepare(
        `SELECT * FROM executions e WHERE account = @account AND region = @region AND pipeline = @pipeline
            AND instr(artifact_revisions, json_quote(@revisionId)) > 0
            AND EXISTS (SELECT 1 FROM json_each(e.artifact_revisions) r
                         WHERE json_extract(r.value, '$.revisionId') = @revisionId
                           AND json_extract(r.value, '$.name') IN (SELECT value FROM json_each(@names)))
          ORDER BY seq DESC LIMIT 1`,
      ),
      deleteForPipeline: db.prepare('DELETE FROM executions WHERE account = ? AND region = ? AND pipeline = ?'),
      // Stage, action and rule rows carry their execution's pipeline (read through its indexes).
      upsertStage: db.prepare(
        `INSERT INTO stage_executions (execution_id, stage, attempt, status, retry_mode, started, updated, account, region, pipeline)
         SELECT @executionId, @stage, @attempt, @status, @retryMode, @started, @updated, account, region, pipeline FROM executions WHERE id = @executionId
         ON CONFLICT (execution_id, stage) DO UPDATE SET attempt = excluded.attempt, status = excluded.status,
           retry_mode = excluded.retry_mode, updated = excluded.updated
         RETURNING *`,
      ),
      stages: db.prepare('SELECT * FROM stage_executions WHERE execution_id = ?'),
      stage: db.prepare('SELECT * FROM stage_executions WHERE execution_id = ? AND stage = ?'),
      insertAction: db.prepare(
        `INSERT INTO action_executions (id, execution_id, stage, action, attempt, status, input, output, summary, token,
           external_execution_id, external_execution_url, error_details, started, updated, account, region, pipeline)
         SELECT @id, @executionId, @stage, @action, @attempt, @status, @input, @output, @summary, @token,
           @externalExecutionId, @externalExecutionUrl, @errorDetails, @started, @updated, account, region, pipeline
         FROM executions WHERE id = @executionId`,
      ),
      action: db.prepare('SELECT * FROM action_executions WHERE id = ?'),
      actionsOf: db.prepare('SELECT * FROM action_executions WHERE execution_id = ? ORDER BY started, rowid'),
      actionsOfStage: db.prepare('SELECT * FROM action_executions WHERE execution_id = ? AND stage = ? ORDER BY attempt, rowid'),
      actionByToken: db.prepare('SELECT * FROM action_executions WHERE token = ?'),
      inProgressActions: db.prepare("SELECT * FROM action_executions WHERE status = 'InProgress'"),
      // The stage run started last (ties: the later execution), found through stage_executions_latest.
      latestStage: db.prepare(
        `SELECT s.* FROM stage_executions s JOIN executions e ON e.id = s.execution_id
          WHERE s.account = @account AND s.region = @region AND s.pipeline = @pipeline AND s.stage = @stage
            AND s.started = (SELECT MAX(started) FROM stage_executions WHERE account = @account AND region = @region AND pipeline = @pipeline AND stage = @stage)
          ORDER BY e.seq DESC LIMIT 1`,
      ),
      latestAction: db.prepare(
        `SELECT * FROM action_executions INDEXED BY action_executions_latest
          WHERE account = ? AND region = ? AND pipeline = ? AND stage = ? AND action = ?
          ORDER BY started DESC, rowid DESC LIMIT 1`,
      ),
      actionsOfPipeline: historyPages(db, 'action_executions', 'action_executions_by_pipeline'),
    };
    this.updateExecution = updater(db, 'executions', EXECUTION_COLUMNS, 'id');
    this.updateAction = updater(db, 'action_executions', ACTION_COLUMNS, 'id');
  }

  /** The declaration of the pipeline version an execution row names (see BY_VERSION), read once per version. */
  private readonly versionDeclaration = (r: any): PipelineDeclaration =>
    this.versions.get(r.account, r.region, r.pipeline, r.pipeline_version, () => {
      const text = this.s.versionDeclaration.get(r.account, r.region, r.pipeline, r.pipeline_version);
      if (text === undefined) throw new Error(`execution ${r.id}: version ${r.pipeline_version} of the pipeline ${r.pipeline} is missing from the store`);
      return text;
    });

  private readonly fromRaw = (r: any): ExecutionRow => executionFromRaw(r, this.versionDeclaration);

  nextSeq(s: Scope, pipeline: string): number {
    return this.s.nextSeq.get(s.account, s.region, pipeline)!.n;
  }

  /** `e.declaration` must be version `e.pipelineVersion` of the pipeline as stored: the row refers to it (BY_VERSION). */
  insert(e: ExecutionRow) {
    this.s.insert.run({
      ...e,
      declaration: BY_VERSION,
      triggerDetail: e.triggerDetail ?? null,
      variables: JSON.stringify(e.variables),
      sourceRevisions: JSON.stringify(e.sourceRevisions),
      artifactRevisions: JSON.stringify(e.artifactRevisions),
      rollbackMetadata: json(e.rollbackMetadata),
      clientRequestToken: e.clientRequestToken ?? null,
    });
  }

  get(id: string): ExecutionRow | undefined {
    const r = this.s.get.get(id);
    return r ? this.fromRaw(r) : undefined;
  }

  getScoped(s: Scope, pipeline: string, id: string): ExecutionRow | undefined {
    const r = this.s.getScoped.get(s.account, s.region, pipeline, id);
    return r ? this.fromRaw(r) : undefined;
  }

  /**
   * GetPipelineExecution's read: 'no pipeline' when the pipeline does not exist, undefined when the
   * execution is not one of its, else what the operation shows (the declaration is neither read nor parsed).
   */
  detail(s: Scope, pipeline: string, id: string): ExecutionDetailRow | 'no pipeline' | undefined {
    const r = this.s.detail.get({ account: s.account, region: s.region, pipeline, id }) as any;
    if (!r.pipeline_exists) return 'no pipeline';
    if (r.id === null) return undefined;
    return detailFromRaw(r);
  }

  byClientToken(s: Scope, pipeline: string, token: string): ExecutionRow | undefined {
    const r = this.s.byToken.get(s.account, s.region, pipeline, token);
    return r ? this.fromRaw(r) : undefined;
  }

  /** Newest first, strictly older than `beforeSeq`. */
  list(s: Scope, pipeline: string, beforeSeq: number, limit: number): ExecutionRow[] {
    return this.s.list.all(s.account, s.region, pipeline, beforeSeq, limit).map(this.fromRaw);
  }

  /** Active (InProgress or Stopping) executions of a pipeline, oldest first. */
  active(s: Scope, pipeline: string): ExecutionRow[] {
    return this.s.active.all(s.account, s.region, pipeline).map(this.fromRaw);
  }

  activePipelines(): { account: string; region: string; pipeline: string }[] {
    return this.s.activePipelines.all() as { account: string; region: string; pipeline: string }[];
  }

  latest(s: Scope, pipeline: string): ExecutionRow | undefined {
    const r = this.s.latest.get(s.account, s.region, pipeline);
    return r ? this.fromRaw(r) : undefined;
  }

  /** The newest execution whose revision of one of the artifacts `names` is `revisionId`. */
  withRevision(s: Scope, pipeline: string, names: string[], revisionId: string): ExecutionRow | undefined {
    const r = this.s.withRevision.get({ account: s.account, region: s.region, pipeline, revisionId, names: JSON.stringify(names) });
    return r ? this.fromRaw(r) : undefined;
  }

  deleteForPipeline(s: Scope, pipeline: string) {
    this.s.deleteForPipeline.run(s.account, s.region, pipeline);
  }

  /** Writes a stage's row; returns it as stored (a re-entry keeps the first `started`), undefined when the execution is gone. */
  putStage(row: StageExecutionRow): StageExecutionRow | undefined {
    const r = this.s.upsertStage.get({ ...row, retryMode: row.retryMode ?? null });
    return r ? stageFromRaw(r) : undefined;
  }

  stages(executionId: string): StageExecutionRow[] {
    return this.s.stages.all(executionId).map(stageFromRaw);
  }

  stage(executionId: string, stage: string): StageExecutionRow | undefined {
    const r = this.s.stage.get(executionId, stage);
    return r ? stageFromRaw(r) : undefined;
  }

  insertAction(a: ActionExecutionRow) {
    this.s.insertAction.run({
      ...a,
      input: JSON.stringify(a.input),
      output: json(a.output),
      summary: a.summary ?? null,
      errorDetails: json(a.errorDetails),
      token: a.token ?? null,
      externalExecutionId: a.externalExecutionId ?? null,
      externalExecutionUrl: a.externalExecutionUrl ?? null,
    });
  }

  action(id: string): ActionExecutionRow | undefined {
    const r = this.s.action.get(id);
    return r ? actionFromRaw(r) : undefined;
  }

  actions(executionId: string): ActionExecutionRow[] {
    return this.s.actionsOf.all(executionId).map(actionFromRaw);
  }

  stageActions(executionId: string, stage: string): ActionExecutionRow[] {
    return this.s.actionsOfStage.all(executionId, stage).map(actionFromRaw);
  }

  actionByToken(token: string): ActionExecutionRow | undefined {
    const r = this.s.actionByToken.get(token);
    return r ? actionFromRaw(r) : undefined;
  }

  /** The most recent execution of a stage in a pipeline, whichever execution it belongs to. */
  latestStage(s: Scope, pipeline: string, stage: string): StageExecutionRow | undefined {
    const r = this.s.latestStage.get({ account: s.account, region: s.region, pipeline, stage });
    return r ? stageFromRaw(r) : undefined;
  }

  latestAction(s: Scope, pipeline: string, stage: string, action: string): ActionExecutionRow | undefined {
    const r = this.s.latestAction.get(s.account, s.region, pipeline, stage, action);
    return r ? actionFromRaw(r) : undefined;
  }

  /**
   * Up to `limit` action executions of a pipeline, newest first (by start, then insertion), after the
   * action execution `afterId` (from the newest when undefined); undefined when `afterId` is not one of
   * the pipeline's.
   */
  pipelineActions(s: Scope, pipeline: string, afterId: string | undefined, limit: number): ActionExecutionRow[] | undefined {
    return this.s.actionsOfPipeline.read(s, pipeline, afterId, limit)?.map(actionFromRaw);
  }

  inProgressActions(): ActionExecutionRow[] {
    return this.s.inProgressActions.all().map(actionFromRaw);
  }
}
