// The CodeBuild projects: each is defined in the local configuration (codebuild.projects: buildspec,
// environment variables, timeout, shell) and numbers its builds per account and region. Shared by the
// pipeline's Build/CodeBuild and Test/CodeBuild actions and any CodeBuild API, so both agree on what a
// project is and never hand out the same build number twice.
import fs from 'node:fs';
import path from 'node:path';
import type { CodeBuildProjectConfig, LocalConfig } from '../localConfig.js';

export class BuildProjects {
  /** Build numbers handed out in this process (the only record with --in-memory). */
  private readonly numbers = new Map<string, number>();

  /**
   * `numbersFile`: where build numbers are kept across restarts (<dataDir>/builds/build-numbers.json);
   * undefined with --in-memory.
   */
  constructor(
    private readonly localConfig: LocalConfig,
    private readonly numbersFile: string | undefined,
  ) {}

  /** The project's definition; a project the configuration does not name is an empty one (defaults). */
  project(name: string | undefined): CodeBuildProjectConfig {
    const projects = this.localConfig.codebuild.projects;
    return (name && Object.hasOwn(projects, name) && projects[name]) || {};
  }

  /** The next build number of the project in the account and region (1 for its first build). */
  nextBuildNumber(account: string, region: string, project: string): number {
    const key = `${account}/${region}/${project}`;
    const file = this.numbersFile;
    let saved: Record<string, number> = {};
    if (file) {
      try {
        saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        saved = {};
      }
    }
    const next = (saved[key] ?? this.numbers.get(key) ?? 0) + 1;
    this.numbers.set(key, next);
    if (file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ ...saved, [key]: next }));
    }
    return next;
  }
}
