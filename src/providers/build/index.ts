// Build, test and compute providers (CodeBuild, Commands), keyed by "Category/Provider".
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';

export function buildProviders(_engine: Engine): [string, ActionProvider][] {
  return [];
}
