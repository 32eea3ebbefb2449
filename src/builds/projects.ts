// The CodeBuild projects as a build sees them: a project stored through the CodeBuild API (or a
// stack's AWS::CodeBuild::Project), with the local configuration's codebuild.projects entry of the
// same name laid over it (buildspec, environment variables, timeout, shell); a project only the
// local configuration names works as before. Build numbers are kept in the store per account,
// region and project. Shared by the pipeline's CodeBuild actions and the CodeBuild API's StartBuild,
// so both agree on what a project is and never hand out the same build number twice.
import fs from 'node:fs';
import type { LocalConfig } from '../localConfig.js';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import type { StoredProject } from './projectDocument.js';

export type VariableType = 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';

export interface ProjectVariable {
  name: string;
  value: string;
  type: VariableType;
}

/** What a build of the project runs with. */
export interface ProjectDefinition {
  /** A path in the primary source, or an inline buildspec; undefined: buildspec.yml. */
  buildspec?: string;
  /** The project's environment variables, lowest precedence first (the stored project's, then the local configuration's). */
  environmentVariables: ProjectVariable[];
  timeoutInMinutes?: number;
  shell?: string;
  /** The project as stored, when it was created through the API or a stack. */
  stored?: StoredProject;
}

export class BuildProjects {
  /**
   * `legacyNumbersFile`: <dataDir>/builds/build-numbers.json, where earlier versions kept build numbers;
   * read once into the store (then renamed *.migrated), so numbers go on from where they were.
   */
  constructor(
    private readonly localConfig: LocalConfig,
    private readonly store: Store,
    legacyNumbersFile?: string,
  ) {
    if (legacyNumbersFile) this.importLegacyNumbers(legacyNumbersFile);
  }

  /** The stored project, if the API or a stack created it. */
  stored(scope: Scope, name: string): StoredProject | undefined {
    return this.store.builds.project<StoredProject>(scope, name);
  }

  /** Whether a build can name the project: stored, or defined by the local configuration. */
  exists(scope: Scope, name: string): boolean {
    return this.stored(scope, name) !== undefined || this.localProject(name) !== undefined;
  }

  /** The project's definition; a project named nowhere is an empty one (defaults). */
  project(scope: Scope, name: string | undefined): ProjectDefinition {
    const stored = name ? this.stored(scope, name) : undefined;
    const local = this.localProject(name) ?? {};
    const storedVariables = (stored?.environment?.environmentVariables ?? []).map((v) => ({ name: v.name!, value: v.value ?? '', type: (v.type ?? 'PLAINTEXT') as VariableType }));
    const localVariables = Object.entries(local.environmentVariables ?? {}).map(([k, v]) => ({ name: k, value: String(v), type: 'PLAINTEXT' as const }));
    const buildspec = local.buildspec ?? stored?.source?.buildspec;
    const timeout = local.timeoutInMinutes ?? stored?.timeoutInMinutes;
    return {
      ...(buildspec !== undefined && buildspec !== '' && { buildspec }),
      environmentVariables: [...storedVariables, ...localVariables],
      ...(timeout !== undefined && { timeoutInMinutes: Number(timeout) }),
      ...(local.shell !== undefined && { shell: local.shell }),
      ...(stored && { stored }),
    };
  }

  /** The next build number of the project in the account and region (1 for its first build). */
  nextBuildNumber(scope: Scope, project: string): number {
    return this.store.tx(() => this.store.builds.nextBuildNumber(scope, project));
  }

  private localProject(name: string | undefined) {
    const projects = this.localConfig.codebuild.projects;
    return name && Object.hasOwn(projects, name) ? projects[name] || {} : undefined;
  }

  private importLegacyNumbers(file: string) {
    let saved: unknown;
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return;
    }
    if (typeof saved !== 'object' || saved === null) return;
    this.store.tx(() => {
      for (const [key, last] of Object.entries(saved)) {
        const [account, region, ...rest] = key.split('/');
        if (!account || !region || !rest.length || typeof last !== 'number' || !Number.isInteger(last)) continue;
        this.store.builds.keepNumber({ account, region }, rest.join('/'), last);
      }
    });
    fs.renameSync(file, `${file}.migrated`);
  }
}
