// Local simulation of a pull request event (there is no Git provider to send one):
//
//   POST /_local/pull-request[?account=123456789012&region=us-east-1]
//   { "FullRepositoryId": "owner/repo",          required: the connection repository
//     "event": "OPEN" | "UPDATED" | "CLOSED",   required
//     "sourceBranch": "feature/x",              required: the branch the pull request merges from
//     "destinationBranch": "main",              required: the branch it merges into (branch filters apply to it)
//     "pipeline"?: "name",                      only this pipeline
//     "commitId"?: "<hex>" }                    the source revision (default: the source branch's head)
//
// Every V2 pipeline of the account and region whose trigger for a CodeStarSourceConnection action
// on that repository has a matching pull request filter (events, destination branch, files changed
// between the merge base and the source commit) starts with that commit, trigger 'WebhookV2'.
// Answer: 200 {"started": [{"pipelineName", "pipelineExecutionId"}], "commitId"}.
import { branchRef, changedFiles, gitDir, isCommitId, isRefName, mergeBase, resolveCommit } from '../git/git.js';
import type { Engine } from '../engine/engine.js';
import { gitSourceConfig, missingRepository } from '../providers/sources/gitSource.js';
import type { Scope } from '../store/scope.js';
import { PULL_REQUEST_EVENTS, pullRequestMatches, type PullRequestEventType } from './filters.js';
import { pipelinesIn, sourceActions, startFromTrigger, triggerFor } from './start.js';

export class PullRequestInputError extends Error {}

export interface PullRequestInput {
  FullRepositoryId: string;
  event: PullRequestEventType;
  sourceBranch: string;
  destinationBranch: string;
  pipeline?: string;
  commitId?: string;
}

const FIELDS = ['FullRepositoryId', 'event', 'sourceBranch', 'destinationBranch', 'pipeline', 'commitId'];

export function parsePullRequest(raw: unknown): PullRequestInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new PullRequestInputError('The request body must be a JSON object');
  const b = raw as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !FIELDS.includes(k));
  if (extra !== undefined) throw new PullRequestInputError(`Unknown field '${extra}'; expected ${FIELDS.join(', ')}`);
  for (const k of ['FullRepositoryId', 'event', 'sourceBranch', 'destinationBranch'])
    if (typeof b[k] !== 'string' || !b[k]) throw new PullRequestInputError(`${k} is required and must be a string`);
  for (const k of ['pipeline', 'commitId']) if (b[k] !== undefined && typeof b[k] !== 'string') throw new PullRequestInputError(`${k} must be a string`);
  if (!PULL_REQUEST_EVENTS.includes(b.event as PullRequestEventType)) throw new PullRequestInputError(`event must be one of ${PULL_REQUEST_EVENTS.join(', ')}`);
  if (!isRefName(b.sourceBranch as string) || !isRefName(b.destinationBranch as string)) throw new PullRequestInputError('sourceBranch and destinationBranch must be valid branch names');
  if (b.commitId !== undefined && !isCommitId(b.commitId as string)) throw new PullRequestInputError('commitId must be a commit id (hex)');
  return b as unknown as PullRequestInput;
}

export async function simulatePullRequest(engine: Engine, scope: Scope, pr: PullRequestInput) {
  const started: { pipelineName: string; pipelineExecutionId: string }[] = [];
  let commitId: string | undefined;
  for (const p of pipelinesIn(engine, scope)) {
    if (pr.pipeline !== undefined && p.name !== pr.pipeline) continue;
    for (const action of sourceActions(p.declaration)) {
      const config = action.configuration ?? {};
      if (action.actionTypeId?.provider !== 'CodeStarSourceConnection' || config.FullRepositoryId !== pr.FullRepositoryId) continue;
      const trigger = triggerFor(p.declaration, action.name!);
      if (!trigger?.gitConfiguration?.pullRequest?.length) continue;
      let repo: string;
      try {
        repo = gitSourceConfig(engine, 'CodeStarSourceConnection', config).repositoryPath;
      } catch (e) {
        throw new PullRequestInputError((e as Error).message);
      }
      if (!(await gitDir(repo))) throw new PullRequestInputError(`No local git repository for '${pr.FullRepositoryId}' (${missingRepository(engine, repo)})`);
      const source = pr.commitId ? await resolveCommit(repo, pr.commitId) : await resolveCommit(repo, branchRef(pr.sourceBranch));
      if (!source) throw new PullRequestInputError(`The source ${pr.commitId ? `commit '${pr.commitId}'` : `branch '${pr.sourceBranch}'`} does not exist in '${pr.FullRepositoryId}'`);
      commitId = source;
      let files: Promise<string[]> | undefined;
      const changed = () =>
        (files ??= (async () => {
          const destination = await resolveCommit(repo, branchRef(pr.destinationBranch));
          const base = destination ? await mergeBase(repo, destination, source) : undefined;
          return changedFiles(repo, base, source);
        })());
      if (!(await pullRequestMatches(trigger, { event: pr.event, destinationBranch: pr.destinationBranch, files: changed }))) continue;
      const id = startFromTrigger(engine, scope, p.name, { triggerType: 'WebhookV2', triggerDetail: config.ConnectionArn }, [
        { actionName: action.name!, revisionType: 'COMMIT_ID', revisionValue: source, ref: branchRef(pr.sourceBranch), detectedBy: 'pull-request' },
      ]);
      if (id) started.push({ pipelineName: p.name, pipelineExecutionId: id });
    }
  }
  return { started, ...(commitId && { commitId }) };
}
