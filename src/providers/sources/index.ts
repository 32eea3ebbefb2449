// Source providers (S3, CodeCommit, CodeStarSourceConnection, ECR), keyed by "Category/Provider".
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';
import { EcrSourceProvider } from './ecrSource.js';
import { GitSourceProvider } from './gitSource.js';
import type { SourceObjectStore } from './s3Objects.js';
import { S3SourceProvider } from './s3Source.js';

export function sourcesProviders(engine: Engine, objects: SourceObjectStore): [string, ActionProvider][] {
  return [
    ['Source/S3', new S3SourceProvider(engine, objects)],
    ['Source/CodeCommit', new GitSourceProvider(engine, 'CodeCommit')],
    ['Source/CodeStarSourceConnection', new GitSourceProvider(engine, 'CodeStarSourceConnection')],
    ['Source/ECR', new EcrSourceProvider(engine)],
  ];
}

export { objectStoreSource, type SourceObjectStore, type ObjectCreatedEvent } from './s3Objects.js';
