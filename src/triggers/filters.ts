// V2 trigger filters (git push: branches / tags / file paths; pull request: events / branches /
// file paths), each criterion a list of glob includes and excludes; excludes win.
import type { GitBranchFilterCriteria, GitPullRequestFilter, GitPushFilter, PipelineTriggerDeclaration } from '@aws-sdk/client-codepipeline';
import { lazyRequire } from '../util/lazyRequire.js';

// Only pipelines with trigger filters need it: loaded then, out of start-up.
const picomatch = lazyRequire<typeof import('picomatch')>('picomatch');

type Criteria = { includes?: string[]; excludes?: string[] };

const matcherCache = new Map<string, (s: string) => boolean>();
function glob(pattern: string): (s: string) => boolean {
  let m = matcherCache.get(pattern);
  if (!m) {
    m = picomatch()(pattern, { dot: true });
    if (matcherCache.size > 1000) matcherCache.clear();
    matcherCache.set(pattern, m);
  }
  return m;
}

/** A name passes criteria when it matches an include (or there are none) and no exclude. */
export function passes(criteria: Criteria | undefined, name: string): boolean {
  if (!criteria) return true;
  if (criteria.excludes?.some((p) => glob(p)(name))) return false;
  return !criteria.includes?.length || criteria.includes.some((p) => glob(p)(name));
}

/** File-path criteria pass when at least one changed file passes them. */
export function passesFiles(criteria: Criteria | undefined, files: string[]): boolean {
  if (!criteria) return true;
  return files.some((f) => passes(criteria, f));
}

export interface PushEvent {
  /** refs/heads/<branch> or refs/tags/<tag>. */
  ref: string;
  /** The files the push changed (computed only when a filter needs them). */
  files: () => Promise<string[]>;
}

/** Whether one push filter starts the pipeline for a push. */
export async function pushFilterMatches(f: GitPushFilter, push: PushEvent): Promise<boolean> {
  if (!pushFilterWatches(f, push.ref)) return false;
  return push.ref.startsWith('refs/tags/') || !f.filePaths || passesFiles(f.filePaths, await push.files());
}

/** Whether a push to `ref` can match a push filter (its branches or tags; file paths aside). */
export function pushFilterWatches(f: GitPushFilter, ref: string): boolean {
  if (ref.startsWith('refs/tags/')) return !!f.tags && passes(f.tags, ref.slice('refs/tags/'.length));
  return ref.startsWith('refs/heads/') && !f.tags && passes(f.branches as GitBranchFilterCriteria | undefined, ref.slice('refs/heads/'.length));
}

export const pushWatches = (trigger: PipelineTriggerDeclaration, ref: string) => (trigger.gitConfiguration?.push ?? []).some((f) => pushFilterWatches(f, ref));

export async function pushMatches(trigger: PipelineTriggerDeclaration, push: PushEvent): Promise<boolean> {
  for (const f of trigger.gitConfiguration?.push ?? []) if (await pushFilterMatches(f, push)) return true;
  return false;
}

export type PullRequestEventType = 'OPEN' | 'UPDATED' | 'CLOSED';
export const PULL_REQUEST_EVENTS: PullRequestEventType[] = ['OPEN', 'UPDATED', 'CLOSED'];

export interface PullRequestEvent {
  event: PullRequestEventType;
  /** The pull request's target branch: the branch filters apply to it. */
  destinationBranch: string;
  files: () => Promise<string[]>;
}

export async function pullRequestFilterMatches(f: GitPullRequestFilter, pr: PullRequestEvent): Promise<boolean> {
  if (!(f.events?.length ? f.events : PULL_REQUEST_EVENTS).includes(pr.event)) return false;
  if (!passes(f.branches, pr.destinationBranch)) return false;
  return !f.filePaths || passesFiles(f.filePaths, await pr.files());
}

export async function pullRequestMatches(trigger: PipelineTriggerDeclaration, pr: PullRequestEvent): Promise<boolean> {
  for (const f of trigger.gitConfiguration?.pullRequest ?? []) if (await pullRequestFilterMatches(f, pr)) return true;
  return false;
}
