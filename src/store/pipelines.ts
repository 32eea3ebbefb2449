// Pipelines and their version history.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';
import type { Scope } from './scope.js';
import { versionDeclarations } from './parsedDeclarations.js';

export interface PipelineRow {
  name: string;
  version: number;
  declaration: PipelineDeclaration;
  created: number;
  updated: number;
}

interface RawRow {
  name: string;
  version: number;
  declaration: string;
  created: number;
  updated: number;
}

/** What ListPipelines shows of a pipeline: read from columns, no declaration parsed. */
export interface PipelineSummaryRow {
  name: string;
  version: number;
  pipelineType?: PipelineDeclaration['pipelineType'];
  executionMode?: PipelineDeclaration['executionMode'];
  created: number;
  updated: number;
}

const fromRaw = (r: RawRow): PipelineRow => ({ ...r, declaration: JSON.parse(r.declaration) });

export class PipelineStore {
  private readonly getStmt;
  private readonly getVersionStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly insertVersionStmt;
  private readonly deleteStmt;
  private readonly deleteVersionsStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly existsStmt;
  private readonly everywhereStmt;
  private readonly scopesOfStmt;

  /** The parsed versions execution reads keep: forgotten by every write to pipeline_versions here. */
  private readonly versions;

  constructor(private readonly db: Db) {
    this.versions = versionDeclarations(db);
    this.getStmt = db.prepare<[string, string, string], RawRow>(
      'SELECT name, version, declaration, created, updated FROM pipelines WHERE account = ? AND region = ? AND name = ?',
    );
    this.getVersionStmt = db.prepare<[string, string, string, number], RawRow>(
      `SELECT v.name, v.version, v.declaration, p.created, v.created AS updated
         FROM pipeline_versions v JOIN pipelines p USING (account, region, name)
        WHERE v.account = ? AND v.region = ? AND v.name = ? AND v.version = ?`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO pipelines (account, region, name, version, declaration, pipeline_type, execution_mode, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, region, name) DO NOTHING`,
    );
    this.updateStmt = db.prepare(
      'UPDATE pipelines SET version = ?, declaration = ?, pipeline_type = ?, execution_mode = ?, updated = ? WHERE account = ? AND region = ? AND name = ?',
    );
    this.insertVersionStmt = db.prepare(
      'INSERT INTO pipeline_versions (account, region, name, version, declaration, created) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.deleteStmt = db.prepare('DELETE FROM pipelines WHERE account = ? AND region = ? AND name = ?');
    this.deleteVersionsStmt = db.prepare('DELETE FROM pipeline_versions WHERE account = ? AND region = ? AND name = ?');
    this.listStmt = db.prepare<[string, string, string, number], PipelineSummaryRow>(
      `SELECT name, version, pipeline_type AS pipelineType, execution_mode AS executionMode, created, updated FROM pipelines
        WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
    );
    this.countStmt = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM pipelines WHERE account = ? AND region = ?');
    this.existsStmt = db.prepare<[string, string, string]>('SELECT 1 FROM pipelines WHERE account = ? AND region = ? AND name = ?');
    this.scopesOfStmt = db.prepare<[string], Scope>('SELECT account, region FROM pipelines WHERE name = ? ORDER BY account, region');
    this.everywhereStmt = db.prepare<[], RawRow & Scope>('SELECT account, region, name, version, declaration, created, updated FROM pipelines');
  }

  get(s: Scope, name: string): PipelineRow | undefined {
    const r = this.getStmt.get(s.account, s.region, name);
    return r && fromRaw(r);
  }

  getVersion(s: Scope, name: string, version: number): PipelineRow | undefined {
    const r = this.getVersionStmt.get(s.account, s.region, name, version);
    return r && fromRaw(r);
  }

  /** Every account and region that holds a pipeline of this name. */
  scopesOf(name: string): Scope[] {
    return this.scopesOfStmt.all(name);
  }

  /** Every pipeline of every account and region (change detection watches them all). */
  everywhere(): (PipelineRow & Scope)[] {
    return this.everywhereStmt.all().map((r) => ({ ...fromRaw(r), account: r.account, region: r.region }));
  }

  count(s: Scope): number {
    return this.countStmt.get(s.account, s.region)!.n;
  }

  exists(s: Scope, name: string): boolean {
    return this.existsStmt.get(s.account, s.region, name) !== undefined;
  }

  /**
   * Inserts version 1 and its history row; false (nothing written) when the name is taken. The
   * caller runs it inside a transaction.
   */
  create(s: Scope, decl: PipelineDeclaration, now: number): boolean {
    const json = JSON.stringify(decl);
    const added = this.insertStmt.run(s.account, s.region, decl.name, decl.version, json, decl.pipelineType ?? null, decl.executionMode ?? null, now, now);
    if (added.changes === 0) return false;
    this.versions.forget(s.account, s.region, decl.name!);
    this.insertVersionStmt.run(s.account, s.region, decl.name, decl.version, json, now);
    return true;
  }

  update(s: Scope, decl: PipelineDeclaration, now: number) {
    const json = JSON.stringify(decl);
    this.updateStmt.run(decl.version, json, decl.pipelineType ?? null, decl.executionMode ?? null, now, s.account, s.region, decl.name);
    this.versions.forget(s.account, s.region, decl.name!);
    this.insertVersionStmt.run(s.account, s.region, decl.name, decl.version, json, now);
  }

  delete(s: Scope, name: string): boolean {
    this.versions.forget(s.account, s.region, name);
    this.deleteVersionsStmt.run(s.account, s.region, name);
    return this.deleteStmt.run(s.account, s.region, name).changes > 0;
  }

  /** Pipelines ordered by name, strictly after `after`. */
  list(s: Scope, after: string, limit: number): PipelineSummaryRow[] {
    return this.listStmt.all(s.account, s.region, after, limit);
  }
}
