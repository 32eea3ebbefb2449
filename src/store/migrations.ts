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
];
