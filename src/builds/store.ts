// CodeBuild's tables (migration 9): projects created through the CodeBuild API or a stack (one JSON
// document each, the project as BatchGetProjects shows it), builds (the build as BatchGetBuilds shows
// it, rewritten as it runs) and build numbers per project (also for projects only the local
// configuration defines).
import type { Db } from '../store/db.js';
import type { Scope } from '../store/scope.js';

interface Doc {
  document: string;
}

export class BuildStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      project: db.prepare<[string, string, string], Doc>('SELECT document FROM codebuild_projects WHERE account = ? AND region = ? AND name = ?'),
      projects: db.prepare<[string, string], { name: string; created: number; updated: number }>(
        'SELECT name, created, updated FROM codebuild_projects WHERE account = ? AND region = ?',
      ),
      putProject: db.prepare(
        `INSERT INTO codebuild_projects (account, region, name, document, created, updated) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET document = excluded.document, updated = excluded.updated`,
      ),
      deleteProject: db.prepare('DELETE FROM codebuild_projects WHERE account = ? AND region = ? AND name = ?'),
      lastNumber: db.prepare<[string, string, string], { last: number }>('SELECT last FROM codebuild_build_numbers WHERE account = ? AND region = ? AND project = ?'),
      setNumber: db.prepare(
        `INSERT INTO codebuild_build_numbers (account, region, project, last) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, project) DO UPDATE SET last = MAX(last, excluded.last)`,
      ),
      build: db.prepare<[string, string, string], Doc>('SELECT document FROM codebuild_builds WHERE account = ? AND region = ? AND id = ?'),
      putBuild: db.prepare(
        `INSERT INTO codebuild_builds (account, region, id, project, start_time, log_id, status, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, id) DO UPDATE SET status = excluded.status, document = excluded.document`,
      ),
      byLog: db.prepare<[string], { account: string; region: string; id: string }>('SELECT account, region, id FROM codebuild_builds WHERE log_id = ?'),
      unfinished: db.prepare<[], { account: string; region: string; document: string }>("SELECT account, region, document FROM codebuild_builds WHERE status = 'IN_PROGRESS'"),
      buildIds: db.prepare<[string, string], { id: string }>('SELECT id FROM codebuild_builds WHERE account = ? AND region = ? ORDER BY start_time DESC, id DESC'),
      projectBuildIds: db.prepare<[string, string, string], { id: string }>(
        'SELECT id FROM codebuild_builds WHERE account = ? AND region = ? AND project = ? ORDER BY start_time DESC, id DESC',
      ),
    };
  }

  project<T>(scope: Scope, name: string): T | undefined {
    const r = this.s.project.get(scope.account, scope.region, name);
    return r && (JSON.parse(r.document) as T);
  }

  projectNames(scope: Scope): { name: string; created: number; updated: number }[] {
    return this.s.projects.all(scope.account, scope.region);
  }

  putProject(scope: Scope, name: string, document: unknown, created: number, updated: number): void {
    this.s.putProject.run(scope.account, scope.region, name, JSON.stringify(document), created, updated);
  }

  /** Removes the project (its builds stay, as on AWS, until the project is created again). */
  deleteProject(scope: Scope, name: string): boolean {
    return this.s.deleteProject.run(scope.account, scope.region, name).changes > 0;
  }

  /** The next build number of the project (1 for its first build); call inside a transaction. */
  nextBuildNumber(scope: Scope, project: string): number {
    const next = (this.s.lastNumber.get(scope.account, scope.region, project)?.last ?? 0) + 1;
    this.s.setNumber.run(scope.account, scope.region, project, next);
    return next;
  }

  /** Raises a project's last number to at least `last` (numbers carried over from the old JSON file). */
  keepNumber(scope: Scope, project: string, last: number): void {
    this.s.setNumber.run(scope.account, scope.region, project, last);
  }

  build<T>(scope: Scope, id: string): T | undefined {
    const r = this.s.build.get(scope.account, scope.region, id);
    return r && (JSON.parse(r.document) as T);
  }

  putBuild(scope: Scope, id: string, project: string, startTime: number, logId: string, document: { buildStatus?: string }): void {
    this.s.putBuild.run(scope.account, scope.region, id, project, startTime, logId, document.buildStatus ?? 'IN_PROGRESS', JSON.stringify(document));
  }

  /** The build that writes the log `logId` (a StartBuild build's own log). */
  buildOfLog(logId: string): { account: string; region: string; id: string } | undefined {
    return this.s.byLog.get(logId);
  }

  /** Builds recorded IN_PROGRESS (at start-up: builds a previous process left running when it ended). */
  unfinished<T>(): { scope: Scope; build: T }[] {
    return this.s.unfinished.all().map((r) => ({ scope: { account: r.account, region: r.region }, build: JSON.parse(r.document) as T }));
  }

  /** Build ids, newest first (the whole scope, or one project's). */
  buildIds(scope: Scope, project?: string): string[] {
    const rows = project === undefined ? this.s.buildIds.all(scope.account, scope.region) : this.s.projectBuildIds.all(scope.account, scope.region, project);
    return rows.map((r) => r.id);
  }
}
