// Versioned schema. Append a migration; never edit one that has shipped.
export const migrations: string[] = [
  // 1: the management API's state.
  `
  CREATE TABLE pipelines (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    declaration TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
  );
  CREATE TABLE pipeline_versions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    declaration TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, region, name, version)
  );
  CREATE TABLE tags (
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (arn, key)
  );
  CREATE TABLE action_types (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    category TEXT NOT NULL,
    owner TEXT NOT NULL,
    provider TEXT NOT NULL,
    version TEXT NOT NULL,
    declaration TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, category, owner, provider, version)
  );
  CREATE TABLE webhooks (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL,
    url TEXT NOT NULL,
    definition TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    error_message TEXT,
    error_code TEXT,
    last_triggered INTEGER,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
  );
  CREATE UNIQUE INDEX webhooks_by_url ON webhooks (url);
  CREATE INDEX webhooks_by_pipeline ON webhooks (account, region, json_extract(definition, '$.targetPipeline'));
  `,
  // 2: executions, their stages and actions, jobs, transitions, events and timers (the engine's state).
  `
  CREATE TABLE executions (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    seq INTEGER NOT NULL,
    pipeline_version INTEGER NOT NULL,
    declaration TEXT NOT NULL,
    status TEXT NOT NULL,
    status_summary TEXT,
    execution_mode TEXT NOT NULL,
    execution_type TEXT NOT NULL DEFAULT 'STANDARD',
    trigger_type TEXT NOT NULL,
    trigger_detail TEXT,
    variables TEXT NOT NULL DEFAULT '[]',
    source_revisions TEXT NOT NULL DEFAULT '[]',
    artifact_revisions TEXT NOT NULL DEFAULT '[]',
    rollback_metadata TEXT,
    client_request_token TEXT,
    stage_index INTEGER NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT 'waiting',
    stop_mode TEXT,
    stop_reason TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX executions_by_pipeline ON executions (account, region, pipeline, seq);
  CREATE INDEX executions_active ON executions (status) WHERE status IN ('InProgress', 'Stopping');
  CREATE UNIQUE INDEX executions_by_token ON executions (account, region, pipeline, client_request_token) WHERE client_request_token IS NOT NULL;
  CREATE TABLE stage_executions (
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL,
    retry_mode TEXT,
    started INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (execution_id, stage)
  );
  CREATE TABLE action_executions (
    id TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    action TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    summary TEXT,
    token TEXT,
    external_execution_id TEXT,
    external_execution_url TEXT,
    error_details TEXT,
    percent_complete INTEGER,
    last_updated_by TEXT,
    started INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  CREATE INDEX action_executions_by_execution ON action_executions (execution_id, stage, action, attempt);
  CREATE INDEX action_executions_by_token ON action_executions (token) WHERE token IS NOT NULL;
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    action_execution_id TEXT NOT NULL REFERENCES action_executions (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    owner TEXT NOT NULL,
    provider TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    nonce TEXT,
    data TEXT NOT NULL,
    client_id TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  CREATE INDEX jobs_pollable ON jobs (account, region, category, owner, provider, version, status, created);
  CREATE INDEX jobs_by_action ON jobs (action_execution_id);
  CREATE TABLE transitions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    stage TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    reason TEXT,
    last_changed_at INTEGER NOT NULL,
    last_changed_by TEXT,
    PRIMARY KEY (account, region, pipeline, stage)
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    execution_id TEXT,
    time INTEGER NOT NULL,
    detail_type TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX events_by_pipeline ON events (account, region, pipeline, seq);
  CREATE TABLE timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    due_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL
  );
  CREATE INDEX timers_by_due ON timers (due_at);
  CREATE INDEX timers_by_ref ON timers (ref);
  `,
  // 3: stage conditions: their rule executions and condition outcomes; local simulation settings.
  `
  CREATE TABLE rule_executions (
    id TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    condition_type TEXT NOT NULL,
    stage_attempt INTEGER NOT NULL,
    condition_index INTEGER NOT NULL,
    rule TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    summary TEXT,
    started INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  CREATE INDEX rule_executions_by_execution ON rule_executions (execution_id, stage, condition_type, stage_attempt);
  CREATE TABLE condition_overrides (
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    condition_type TEXT NOT NULL,
    stage_attempt INTEGER NOT NULL,
    overridden_at INTEGER NOT NULL,
    PRIMARY KEY (execution_id, stage, condition_type, stage_attempt)
  );
  CREATE TABLE simulation (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account, region, kind, name)
  );
  `,
  // 4: third-party job clients: the clientToken a partner first answered a client's jobs with.
  `
  CREATE TABLE third_party_clients (
    client_id TEXT PRIMARY KEY,
    client_token TEXT NOT NULL,
    created INTEGER NOT NULL
  );
  `,
  // 5: the local S3-compatible store: buckets, object versions (bodies live in files named by opaque ids),
  // the latest version of each key, and multipart uploads with their parts.
  `
  CREATE TABLE s3_buckets (
    name TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    created INTEGER NOT NULL
  );
  CREATE INDEX s3_buckets_by_account ON s3_buckets (account, name);
  CREATE TABLE s3_objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    delete_marker INTEGER NOT NULL,
    blob TEXT,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    content_type TEXT,
    headers TEXT NOT NULL,
    metadata TEXT NOT NULL,
    last_modified INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX s3_objects_by_version ON s3_objects (bucket, version_id);
  CREATE INDEX s3_objects_by_key ON s3_objects (bucket, key, seq);
  CREATE TABLE s3_latest (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    live INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE s3_uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    content_type TEXT,
    headers TEXT NOT NULL,
    metadata TEXT NOT NULL,
    initiated INTEGER NOT NULL
  );
  CREATE INDEX s3_uploads_by_bucket ON s3_uploads (bucket, key);
  CREATE TABLE s3_parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    blob TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  );
  `,
  // 6: simulated AWS resources that deploy and invoke actions leave behind (CloudFormation stacks,
  // CodeDeploy/ECS/Beanstalk/AppConfig deployments, Step Functions executions), one JSON document each.
  `
  CREATE TABLE simulated_resources (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, kind, name)
  );
  CREATE INDEX simulated_resources_by_kind ON simulated_resources (account, region, kind, updated);
  `,
  // 7: change detection's memory: per pipeline, source action and git ref, the head it last saw (and
  // started an execution for, when the trigger matched). ref '' marks the baseline as taken: from
  // then on a ref without a row is new. source names what the rows were taken for (the repository and
  // the refs watched): rows of another source are stale.
  `
  CREATE TABLE source_heads (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    action TEXT NOT NULL,
    ref TEXT NOT NULL,
    source TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, pipeline, action, ref)
  ) WITHOUT ROWID;
  `,
  // 8: ListPipelines answers type and execution mode without parsing every declaration of the page.
  `
  ALTER TABLE pipelines ADD COLUMN pipeline_type TEXT;
  ALTER TABLE pipelines ADD COLUMN execution_mode TEXT;
  UPDATE pipelines SET pipeline_type = json_extract(declaration, '$.pipelineType'),
    execution_mode = json_extract(declaration, '$.executionMode');
  `,
  // 9: the CodeBuild API's projects and builds, their build numbers (also for projects only the local
  // configuration defines), SSM parameters (every version) and the secrets store (every version).
  `
  CREATE TABLE codebuild_projects (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE codebuild_build_numbers (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    project TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (account, region, project)
  ) WITHOUT ROWID;
  CREATE TABLE codebuild_builds (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    id TEXT NOT NULL,
    project TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    log_id TEXT NOT NULL,
    status TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account, region, id)
  ) WITHOUT ROWID;
  CREATE INDEX codebuild_builds_by_log ON codebuild_builds (log_id);
  CREATE INDEX codebuild_builds_by_status ON codebuild_builds (status);
  CREATE INDEX codebuild_builds_by_project ON codebuild_builds (account, region, project, start_time);
  CREATE INDEX codebuild_builds_by_time ON codebuild_builds (account, region, start_time);
  CREATE TABLE ssm_parameters (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    document TEXT NOT NULL,
    modified INTEGER NOT NULL,
    PRIMARY KEY (account, region, name, version)
  ) WITHOUT ROWID;
  CREATE TABLE secrets (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL,
    document TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX secrets_by_arn ON secrets (arn);
  `,
  // A stack's events, one row each (kind 'cloudformation-stack' of simulated_resources): a stack
  // operation saves its document several times, and rewriting every event with it each time grew
  // the write-ahead log by megabytes per pipeline run. seq orders a stack's events; event is its JSON.
  `
  CREATE TABLE simulated_events (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (account, region, kind, name, seq)
  ) WITHOUT ROWID;
  `,
  // Short action logs kept in the database (a file is made once a log outgrows SMALL_LOG_BYTES):
  // creating a file per action cost more than the rest of a short action's work.
  `
  CREATE TABLE action_log_chunks (
    id TEXT NOT NULL,
    body BLOB NOT NULL
  );
  CREATE INDEX action_log_chunks_by_id ON action_log_chunks (id);
  `,
  // 10: history that scales. Stage, action and rule executions carry their pipeline, so a pipeline's
  // latest runs and its action and rule history are read through indexes instead of sorting every
  // execution it ever had; the active executions of a pipeline, the actions in progress, and (for
  // retention) executions by age and events by execution have their own.
  `
  ALTER TABLE stage_executions ADD COLUMN account TEXT;
  ALTER TABLE stage_executions ADD COLUMN region TEXT;
  ALTER TABLE stage_executions ADD COLUMN pipeline TEXT;
  ALTER TABLE action_executions ADD COLUMN account TEXT;
  ALTER TABLE action_executions ADD COLUMN region TEXT;
  ALTER TABLE action_executions ADD COLUMN pipeline TEXT;
  ALTER TABLE rule_executions ADD COLUMN account TEXT;
  ALTER TABLE rule_executions ADD COLUMN region TEXT;
  ALTER TABLE rule_executions ADD COLUMN pipeline TEXT;
  UPDATE stage_executions SET (account, region, pipeline) = (SELECT account, region, pipeline FROM executions e WHERE e.id = execution_id);
  UPDATE action_executions SET (account, region, pipeline) = (SELECT account, region, pipeline FROM executions e WHERE e.id = execution_id);
  UPDATE rule_executions SET (account, region, pipeline) = (SELECT account, region, pipeline FROM executions e WHERE e.id = execution_id);
  CREATE INDEX stage_executions_latest ON stage_executions (account, region, pipeline, stage, started);
  CREATE INDEX action_executions_by_pipeline ON action_executions (account, region, pipeline, started);
  CREATE INDEX action_executions_latest ON action_executions (account, region, pipeline, stage, action, started);
  CREATE INDEX action_executions_in_progress ON action_executions (status) WHERE status = 'InProgress';
  CREATE INDEX rule_executions_by_pipeline ON rule_executions (account, region, pipeline, started);
  CREATE INDEX executions_active_by_pipeline ON executions (account, region, pipeline, seq) WHERE status IN ('InProgress', 'Stopping');
  CREATE INDEX executions_by_updated ON executions (updated);
  CREATE INDEX events_by_execution ON events (execution_id);
  `,
  // Active executions are found through executions_active_by_pipeline alone (the start-up scan reads
  // that partial index whole): the index on status was one more page written by every commit that
  // starts, ends or deletes an execution.
  `
  DROP INDEX IF EXISTS executions_active;
  `,
  // Small object bodies in the database (src/services/s3/inlineBodies.ts), named by the same opaque ids
  // as the files under s3/blobs: written in the transaction of the row that names them, no file and no
  // flush of their own. Bodies written before stay files; an id without a row here is a file.
  `
  CREATE TABLE s3_bodies (
    id TEXT PRIMARY KEY,
    data BLOB NOT NULL
  );
  `,
  // An execution's row names its pipeline version instead of holding a copy of that version's
  // declaration (store/executions.ts BY_VERSION): the copies that are the same text go.
  `
  UPDATE executions SET declaration = ''
   WHERE declaration = (SELECT v.declaration FROM pipeline_versions v
                         WHERE v.account = executions.account AND v.region = executions.region
                           AND v.name = executions.pipeline AND v.version = executions.pipeline_version);
  `,
  // History retention ages only finished executions (a running one is never pruned: HistoryStore),
  // so the index on `updated` holds only those: a commit that starts, advances or deletes a running
  // execution writes no page of it (CreatePipeline's commit wrote 13 pages, one of them this index's).
  `
  DROP INDEX IF EXISTS executions_by_updated;
  CREATE INDEX executions_by_updated ON executions (updated) WHERE status NOT IN ('InProgress', 'Stopping');
  `,
];
