// Compute/Commands: the action's `commands` run in one local shell with the input artifacts
// extracted (the first is the working folder); `outputVariables` names exported variables that
// become the action's output variables; an output artifact's `files` globs select what it holds.
import type { ActionStart } from '../../engine/provider.js';
import { resolveStrings, unresolvedActionMessage, UnresolvedVariableError } from '../../engine/variables.js';
import type { ActionLog } from '../../logs/actionLogs.js';
import { VARIABLE_NAME } from './buildspec.js';
import { ActionFailure, LocalBuildProvider, defaultShell, type BuildDefinition } from './localBuild.js';
import { MissingSecretError, secretValue } from './secrets.js';

const DEFAULT_TIMEOUT_MINUTES = 60;

export class CommandsProvider extends LocalBuildProvider {
  private builds = 0;

  protected buildIdPrefix() {
    return 'codepipeline-local-commands';
  }

  protected nextBuildNumber() {
    return ++this.builds;
  }

  protected async define(start: ActionStart, _ws: unknown, log: ActionLog): Promise<BuildDefinition> {
    const { action } = start;
    const scope = this.engine.variableScope(start.execution);
    const secrets: string[] = [];
    try {
      // Commands and variable values together, so a failure names every reference that cannot be resolved.
      const variables = action.environmentVariables ?? [];
      const resolved = resolveStrings([...(action.commands ?? []), ...variables.map((v) => v.value ?? '')], scope);
      const commands = resolved.slice(0, action.commands?.length ?? 0);
      if (!commands.length) throw new ActionFailure('The Commands action has no commands to run');
      const env: Record<string, string> = {};
      for (const [i, v] of variables.entries()) {
        const value = resolved[commands.length + i];
        env[v.name!] = v.type === 'SECRETS_MANAGER' ? secretValue(this.engine.localConfig, value) : value;
        if (v.type === 'SECRETS_MANAGER') secrets.push(env[v.name!]);
      }
      const names = action.outputVariables ?? [];
      const bad = names.find((n) => !VARIABLE_NAME.test(n));
      if (bad !== undefined) throw new ActionFailure(`The output variable '${bad}' is not a valid environment variable name`);
      log.container('Processing environment variables');
      return {
        phases: [{ name: 'build', commands, finally: [], onFailure: 'ABORT' }],
        shell: defaultShell(),
        env,
        exportedVariables: names,
        timeoutMinutes: action.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES,
        outputs: (action.outputArtifacts ?? []).map((o) => ({
          name: o.name!,
          spec: { files: o.files?.length ? o.files : ['**/*'], discardPaths: false, excludePaths: [] },
        })),
        secrets,
        notes: [],
      };
    } catch (e) {
      if (e instanceof UnresolvedVariableError)
        throw new ActionFailure(unresolvedActionMessage(action.name, e));
      if (e instanceof MissingSecretError) throw new ActionFailure(e.message);
      throw e;
    }
  }
}
