// git as a child process for source and trigger suites: a fixed author and no user or system configuration.
import { execFileSync } from 'node:child_process';

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
