// Where the local git repository behind a source action lives: the local configuration's mapping,
// else a folder under <dataDir>/git/. A name that would escape that folder is refused.
import path from 'node:path';
import type { LocalConfig } from '../localConfig.js';

export class RepositoryNameError extends Error {}

/** One path segment of a repository name: no separators, not '.' or '..'. */
const SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;
const safeSegment = (s: string) => SEGMENT.test(s) && s !== '.' && s !== '..';

function under(root: string, segments: string[], what: string): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  if (!target.startsWith(base + path.sep)) throw new RepositoryNameError(`${what} escapes the local git folder`);
  return target;
}

/** CodeCommit RepositoryName -> local repository path. */
export function codeCommitRepositoryPath(config: LocalConfig, repositoryName: string): string {
  const mapped = Object.hasOwn(config.repositories, repositoryName) ? config.repositories[repositoryName] : undefined;
  if (mapped) return mapped;
  if (!safeSegment(repositoryName)) throw new RepositoryNameError(`The repository name '${repositoryName}' is not valid`);
  return under(path.join(config.dataDir, 'git'), [repositoryName], `The repository name '${repositoryName}'`);
}

/** CodeStarSourceConnection FullRepositoryId (owner/repo, or group/subgroup/repo) -> local repository path. */
export function connectionRepositoryPath(config: LocalConfig, fullRepositoryId: string): string {
  const mapped = Object.hasOwn(config.connections, fullRepositoryId) ? config.connections[fullRepositoryId] : undefined;
  if (mapped) return mapped.startsWith('file://') ? new URL(mapped).pathname : mapped;
  const segments = fullRepositoryId.split('/');
  if (segments.length < 2 || !segments.every(safeSegment))
    throw new RepositoryNameError(`The FullRepositoryId '${fullRepositoryId}' is not valid: expected owner/repository`);
  return under(path.join(config.dataDir, 'git'), segments, `The FullRepositoryId '${fullRepositoryId}'`);
}
