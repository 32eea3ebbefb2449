// Git helpers over the git CLI (execFile, never a shell): refs, commits, archives and diffs of a
// local repository. Every argument that comes from a user is checked before it reaches git.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(message);
  }
}

const MAX_OUTPUT = 1024 * 1024 * 1024;

/** Variables that would point git at another repository than `cwd` (set e.g. inside a git hook). */
const REPOSITORY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

function hostEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of REPOSITORY_VARIABLES) delete env[k];
  return env;
}

/** Told of every git process about to start (cwd, arguments): lets tests and diagnostics count them. */
export const gitSpawnListeners = new Set<(cwd: string, args: readonly string[]) => void>();

/** Runs git in `cwd` with the given arguments; resolves with stdout as a Buffer. */
export function git(cwd: string, args: string[], opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Buffer> {
  for (const fn of gitSpawnListeners) fn(cwd, args);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.quotepath=off', '-c', 'safe.directory=*', ...args],
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: MAX_OUTPUT,
        timeout: opts.timeoutMs ?? 120_000,
        ...(opts.signal && { signal: opts.signal, killSignal: 'SIGKILL' as const }),
        windowsHide: true,
        // Never prompt, never read the user's global hooks/pager. The ceiling keeps git in `cwd`: a
        // folder that is not itself a repository never stands for an enclosing one.
        env: {
          ...hostEnv(),
          GIT_TERMINAL_PROMPT: '0',
          GIT_PAGER: 'cat',
          GIT_OPTIONAL_LOCKS: '0',
          LC_ALL: 'C',
          GIT_CEILING_DIRECTORIES: path.dirname(path.resolve(cwd)),
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(new GitError(`git ${args[0]} failed: ${stderr.toString('utf8').trim() || error.message}`, stderr.toString('utf8')));
        else resolve(stdout);
      },
    );
  });
}

const text = async (cwd: string, args: string[]) => (await git(cwd, args)).toString('utf8');

/** A full or abbreviated commit id (hex only: safe to pass as an argument). */
export const isCommitId = (s: string) => /^[0-9a-fA-F]{4,64}$/.test(s);

/**
 * A branch or tag name git would accept (git check-ref-format rules, checked here so that no user
 * string that looks like an option ever reaches git).
 */
export function isRefName(name: string): boolean {
  if (!name || name.length > 255 || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//') || name === '@') return false;
  return name.split('/').every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'));
}

function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES: not a repository we can read
  }
}
const isDir = (p: string) => stat(p)?.isDirectory() ?? false;

/** Whether a folder holds the files git needs to see a repository there (HEAD, objects/, refs/). */
export function isGitDirectory(dir: string): boolean {
  return stat(path.join(dir, 'HEAD'))?.isFile() === true && isDir(path.join(dir, 'objects')) && isDir(path.join(dir, 'refs'));
}

/**
 * Whether `repo` can be a repository git finds with its ceiling at `repo`'s parent: a working tree
 * with a .git folder (or a .git file pointing elsewhere), or a bare repository. A file-system check
 * only (no git process): a false answer is certain, a true one is confirmed by gitDir().
 */
export function looksLikeRepository(repo: string): boolean {
  const dotGit = stat(path.join(repo, '.git'));
  if (dotGit) return dotGit.isFile() || isGitDirectory(path.join(repo, '.git'));
  return isGitDirectory(repo);
}

/** The repository's git directory (absolute), or undefined when `repo` is not a git repository. */
export async function gitDir(repo: string): Promise<string | undefined> {
  if (!looksLikeRepository(repo)) return undefined;
  try {
    return (await text(repo, ['rev-parse', '--absolute-git-dir'])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit a ref points to (peeling annotated tags), or undefined when it does not exist. */
export async function resolveCommit(repo: string, ref: string): Promise<string | undefined> {
  try {
    return (await text(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const branchRef = (branch: string) => `refs/heads/${branch}`;

export interface CommitInfo {
  id: string;
  /** The full commit message (subject and body), without the trailing newline. */
  message: string;
  authorName: string;
  authorEmail: string;
  /** ISO-8601 dates. */
  authorDate: string;
  committerDate: string;
}

/** ISO-8601 in UTC without milliseconds (2024-05-06T07:08:09Z). */
const utc = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
};

export async function commitInfo(repo: string, commit: string): Promise<CommitInfo> {
  const out = await text(repo, ['show', '-s', '--format=%H%x00%an%x00%ae%x00%aI%x00%cI%x00%B', '--end-of-options', commit]);
  const [id, authorName, authorEmail, authorDate, committerDate, ...rest] = out.split('\u0000');
  return { id, authorName, authorEmail, authorDate: utc(authorDate), committerDate: utc(committerDate), message: rest.join('\u0000').replace(/\n+$/, '') };
}

/** A zip of the tree at `commit` (git archive: tracked files only, modes kept). */
export function archiveZip(repo: string, commit: string): Promise<Buffer> {
  return git(repo, ['archive', '--format=zip', '--end-of-options', commit]);
}

/** Every branch and tag, as ref name -> commit id (annotated tags peeled to their commit). */
export async function listRefs(repo: string): Promise<Map<string, string>> {
  const out = await text(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)', 'refs/heads', 'refs/tags']);
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [name, object, peeled] = line.split('\u0000');
    refs.set(name, peeled || object);
  }
  return refs;
}

/** Paths changed between two commits; with no `from` (a new branch or tag), the files of `to`'s own commit. */
export async function changedFiles(repo: string, from: string | undefined, to: string): Promise<string[]> {
  const args = from
    ? ['diff', '--name-only', '--no-renames', '-z', from, to]
    : ['diff-tree', '--no-commit-id', '--name-only', '--no-renames', '-r', '-z', '--root', to];
  try {
    return (await text(repo, args)).split('\u0000').filter(Boolean);
  } catch {
    // An unrelated history (force push onto an orphan): every file of the new commit.
    return (await text(repo, ['ls-tree', '-r', '--name-only', '-z', to])).split('\u0000').filter(Boolean);
  }
}

/** The best common ancestor of two commits, or undefined when their histories are unrelated. */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await text(repo, ['merge-base', '--end-of-options', a, b])).trim() || undefined;
  } catch {
    return undefined;
  }
}
