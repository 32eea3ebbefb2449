// Git-backed source actions: CodeCommit and CodeStarSourceConnection, each mapped to a local git
// repository (src/git/repos.ts). The output artifact is the tree at the commit as a zip (CODE_ZIP),
// or a clone reference a local build can clone from (CODEBUILD_CLONE_REF, see cloneRefZip).
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import { archiveZip, branchRef, commitInfo, gitDir, isCommitId, isRefName, resolveCommit, type CommitInfo } from '../../git/git.js';
import { codeCommitRepositoryPath, connectionRepositoryPath, RepositoryNameError } from '../../git/repos.js';
import { shownPath } from '../../util/localPaths.js';
import { zipFiles } from '../../util/zip.js';
import { beginSource, pinOrigin, runSource, SourceError, sourceOverride, writeSourceArtifact, type PinOrigin } from './common.js';

export type GitProvider = 'CodeCommit' | 'CodeStarSourceConnection';

/** The file a CODEBUILD_CLONE_REF artifact holds (the only entry of its zip). */
export const CLONE_REF_FILE = 'codepipeline-local-clone-ref.json';

/**
 * CODEBUILD_CLONE_REF artifact (local format, version 1): a zip with one JSON file, CLONE_REF_FILE:
 *   { "version": 1, "provider": "CodeCommit" | "CodeStarSourceConnection",
 *     "repository": RepositoryName or FullRepositoryId, "repositoryPath": "/abs/path",
 *     "cloneUrl": "file:///abs/path", "branch": "main", "commitId": "<40 hex>", "connectionArn"?: "..." }
 * A local build clones `cloneUrl` and checks out `commitId` (what CodeBuild does with AWS's clone ref).
 */
export interface CloneRef {
  version: 1;
  provider: GitProvider;
  repository: string;
  repositoryPath: string;
  cloneUrl: string;
  branch: string;
  commitId: string;
  connectionArn?: string;
}

export function cloneRefZip(ref: CloneRef): Buffer {
  return zipFiles([{ path: CLONE_REF_FILE, data: Buffer.from(JSON.stringify(ref, null, 2) + '\n') }]);
}

/** The configuration of a git source, read the same way by the provider and the change detection. */
export interface GitSourceConfig {
  provider: GitProvider;
  /** RepositoryName or FullRepositoryId. */
  repository: string;
  branch: string;
  repositoryPath: string;
  connectionArn?: string;
  outputFormat: 'CODE_ZIP' | 'CODEBUILD_CLONE_REF';
}

/** Reads a git source's configuration; throws SourceError with AWS-like wording when it cannot be used. */
export function gitSourceConfig(engine: Engine, provider: GitProvider, config: Record<string, string>): GitSourceConfig {
  const repository = provider === 'CodeCommit' ? config.RepositoryName : config.FullRepositoryId;
  const branch = config.BranchName ?? '';
  let repositoryPath: string;
  try {
    repositoryPath =
      provider === 'CodeCommit' ? codeCommitRepositoryPath(engine.localConfig, repository ?? '') : connectionRepositoryPath(engine.localConfig, repository ?? '');
  } catch (e) {
    if (e instanceof RepositoryNameError) throw new SourceError(e.message);
    throw e;
  }
  const format = config.OutputArtifactFormat ?? 'CODE_ZIP';
  if (format !== 'CODE_ZIP' && format !== 'CODEBUILD_CLONE_REF')
    throw new SourceError(`OutputArtifactFormat '${format}' is not valid: expected CODE_ZIP or CODEBUILD_CLONE_REF`);
  return { provider, repository, branch, repositoryPath, connectionArn: config.ConnectionArn, outputFormat: format };
}

/** Where a missing local repository was looked for, as an answer may say it (no absolute path). */
export function missingRepository(engine: Engine, repositoryPath: string): string {
  const where = shownPath(repositoryPath, engine.localConfig.dataDir);
  return where.startsWith('the data folder')
    ? `no local git repository at ${where}: create it there, or map the name to a repository in the local configuration`
    : `the local configuration maps it to the folder ${where}, which holds no git repository`;
}

const CONNECTION_ARN = /^arn:aws(-[a-z]+)*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;

function revisionUrl(start: ActionStart, src: GitSourceConfig, commit: string): string {
  const region = start.actionExecution.input.region ?? start.execution.region;
  const console = `https://${region}.console.aws.amazon.com`;
  if (src.provider === 'CodeCommit')
    return `${console}/codesuite/codecommit/repositories/${encodeURIComponent(src.repository)}/commit/${commit}?region=${region}`;
  const q = new URLSearchParams({ connectionArn: src.connectionArn ?? '', referenceType: 'COMMIT', FullRepositoryId: src.repository, Commit: commit });
  return `${console}/codesuite/settings/connections/redirect?${q}`;
}

/** The provider type AWS names in a connection's revision summary (local repositories stand in for GitHub). */
export const LOCAL_CONNECTION_PROVIDER_TYPE = 'GitHub';

function outputVariables(src: GitSourceConfig, info: CommitInfo): Record<string, string> {
  const common = { AuthorDate: info.authorDate, BranchName: src.branch, CommitId: info.id, CommitMessage: info.message };
  if (src.provider === 'CodeCommit') return { ...common, CommitterDate: info.committerDate, RepositoryName: src.repository };
  return { ...common, ConnectionArn: src.connectionArn ?? '', FullRepositoryName: src.repository };
}

/**
 * Whether a git source action's failure message says there was nothing to read yet: no repository, or
 * no such branch (the messages run() writes). Change detection counts such a read as having seen nothing.
 */
export function foundNothing(message: string | undefined): boolean {
  return !!message && (/ \(no local git repository at [^)]*\)$/.test(message) || /^The branch named '.*' does not exist in the /.test(message));
}

/** What chose a pinned commit, as the action's log says it (after "Using commit <id>"). */
export function pinnedBecause(origin: PinOrigin | undefined): string {
  const ref = origin?.ref ?? '';
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  switch (origin?.detectedBy) {
    case 'push':
      return tag !== undefined ? `, the tag ${tag} pushed, which triggered this execution` : ` on ${ref}, the push that triggered this execution`;
    case 'catch-up':
      return tag !== undefined
        ? `, the tag ${tag} pushed while change detection was not running (caught up when it started)`
        : ` on ${ref}, pushed while change detection was not running (caught up when it started)`;
    case 'pull-request':
      return `, the head of ${ref}, the source branch of the pull request that triggered this execution`;
    default:
      return ", the revision StartPipelineExecution's sourceRevisions override asked for";
  }
}

export class GitSourceProvider implements ActionProvider {
  constructor(
    private readonly engine: Engine,
    private readonly provider: GitProvider,
  ) {}

  begin(start: ActionStart) {
    return beginSource(this.engine, start);
  }

  run(start: ActionStart): Promise<void> {
    return runSource(this.engine, start, async (log) => {
      const src = gitSourceConfig(this.engine, this.provider, start.resolvedConfiguration);
      log.note(`${src.provider === 'CodeCommit' ? 'Repository' : 'Repository with FullRepositoryId'} '${src.repository}' is the local git repository at ${shownPath(src.repositoryPath, this.engine.localConfig.dataDir)}`);
      if (src.provider === 'CodeStarSourceConnection' && !CONNECTION_ARN.test(src.connectionArn ?? ''))
        throw new SourceError(`The ConnectionArn '${src.connectionArn ?? ''}' is not a valid connection ARN`);
      const label = src.provider === 'CodeCommit' ? 'repository' : 'repository with FullRepositoryId';
      if (!(await gitDir(src.repositoryPath)))
        throw new SourceError(
          src.provider === 'CodeCommit'
            ? `The repository named '${src.repository}' does not exist (${missingRepository(this.engine, src.repositoryPath)})`
            : `Could not access the ${label} '${src.repository}' (${missingRepository(this.engine, src.repositoryPath)})`,
        );
      const wanted = sourceOverride(start, 'COMMIT_ID');
      let commit: string | undefined;
      if (wanted !== undefined) {
        commit = isCommitId(wanted) ? await resolveCommit(src.repositoryPath, wanted) : undefined;
        if (!commit) throw new SourceError(`The commit '${wanted}' does not exist in the ${label} '${src.repository}'`);
        log.note(`Using commit ${commit}${pinnedBecause(pinOrigin(start, 'COMMIT_ID'))}`);
      } else {
        if (!isRefName(src.branch)) throw new SourceError(`The branch name '${src.branch}' is not valid`);
        commit = await resolveCommit(src.repositoryPath, branchRef(src.branch));
        if (!commit) throw new SourceError(`The branch named '${src.branch}' does not exist in the ${label} '${src.repository}'`);
        log.note(`Using commit ${commit}, the head of branch '${src.branch}' when the source action ran`);
      }
      const info = await commitInfo(src.repositoryPath, commit);
      log.note(`Commit ${info.id} by ${info.authorName} <${info.authorEmail}> on ${info.authorDate}: ${info.message.split('\n')[0]}`);
      const body =
        src.outputFormat === 'CODE_ZIP'
          ? await archiveZip(src.repositoryPath, info.id)
          : cloneRefZip({
              version: 1,
              provider: src.provider,
              repository: src.repository,
              repositoryPath: src.repositoryPath,
              cloneUrl: new URL(`file://${src.repositoryPath}`).href,
              branch: src.branch,
              commitId: info.id,
              ...(src.connectionArn && { connectionArn: src.connectionArn }),
            });
      await writeSourceArtifact(this.engine, start, log, body, src.outputFormat === 'CODE_ZIP' ? 'CODE_ZIP: the tree at the commit' : 'CODEBUILD_CLONE_REF: a clone reference');
      const url = revisionUrl(start, src, info.id);
      const summary =
        src.provider === 'CodeCommit' ? info.message : JSON.stringify({ ProviderType: LOCAL_CONNECTION_PROVIDER_TYPE, CommitMessage: info.message });
      return {
        status: 'Succeeded',
        summary: info.message,
        externalExecutionId: info.id,
        outputVariables: outputVariables(src, info),
        revision: {
          revisionId: info.id,
          revisionChangeIdentifier: info.id,
          revisionSummary: summary,
          revisionUrl: url,
          created: new Date(info.committerDate),
        },
      };
    });
  }
}
