// Local paths as answers show them. The API's messages and summaries and /_local never name the
// machine's folders (its user name, its layout, where the data lives): a path under the data folder is
// shown relative to it ("the data folder's git/app"), any other by its last segment. Server log lines
// keep the full path.
import os from 'node:os';
import path from 'node:path';

/** A local path as an answer may show it. */
export function shownPath(p: string, dataDir: string): string {
  const rel = path.relative(path.resolve(dataDir), path.resolve(p));
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return `the data folder's ${rel.split(path.sep).join('/')}`;
  return `'${path.basename(p)}'`;
}

/**
 * A message from elsewhere (a file system or git error, a handler's exception) with the data folder,
 * the temporary folder and the home folder taken out of the paths it names.
 */
export function withoutLocalPaths(text: string, dataDir: string): string {
  const roots: [string, string][] = [
    [path.resolve(dataDir), '<data folder>'],
    [os.tmpdir(), '<temp folder>'],
    [os.homedir(), '~'],
  ];
  // Longest first: the data folder usually sits under the home folder.
  roots.sort((a, b) => b[0].length - a[0].length);
  return roots.filter(([root]) => root.length > 1).reduce((t, [root, name]) => t.split(root).join(name), text);
}
