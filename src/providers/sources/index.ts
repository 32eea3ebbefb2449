// Source providers (S3, CodeCommit, CodeStarSourceConnection, ECR), keyed by "Category/Provider".
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';

export function sourcesProviders(_engine: Engine): [string, ActionProvider][] {
  return [];
}
