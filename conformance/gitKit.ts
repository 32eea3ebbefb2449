// git as a child process for source and trigger suites: a fixed author and no user or system configuration.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `repo` (unsigned commits) and returns its trimmed output. */
export const git = (repo: string, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: gitEnv }).toString('utf8').trim();

/** Writes `files`, commits them on `branch` (created from main when new; default main), goes back to main; answers the commit. */
export function commitFiles(repo: string, files: Record<string, string>, message: string, branch?: string): string {
  if (branch) {
    const exists = git(repo, 'branch', '--list', branch) !== '';
    git(repo, 'checkout', '-q', ...(exists ? [branch] : ['-b', branch, 'main']));
  }
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.writeFileSync(path.join(repo, f), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  const sha = git(repo, 'rev-parse', 'HEAD');
  if (branch) git(repo, 'checkout', '-q', 'main');
  return sha;
}
