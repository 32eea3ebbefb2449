// Build, test and compute providers (CodeBuild, Commands), keyed by "Category/Provider".
import type { BuildProjects } from '../../builds/projects.js';
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';
import { CodeBuildProvider } from './codeBuild.js';
import { CommandsProvider } from './commands.js';

export function buildProviders(engine: Engine, projects: BuildProjects): [string, ActionProvider][] {
  const codeBuild = new CodeBuildProvider(engine, projects);
  return [
    ['Build/CodeBuild', codeBuild],
    ['Test/CodeBuild', codeBuild],
    ['Compute/Commands', new CommandsProvider(engine)],
  ];
}
