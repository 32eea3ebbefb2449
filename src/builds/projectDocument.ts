// A CodeBuild project as it is stored: the project as BatchGetProjects shows it (the SDK's Project),
// with AWS's defaults filled in and its timestamps as epoch milliseconds. Built from CreateProject's
// input, or an AWS::CodeBuild::Project's properties turned into that input; checked for what the
// model cannot state (CodeBuild answers InvalidInputException for those).
import type { CreateProjectInput, Project, UpdateProjectInput } from '@aws-sdk/client-codebuild';
import type { Scope } from '../store/scope.js';

export type StoredProject = Omit<Project, 'created' | 'lastModified'> & { name: string; arn: string; created: number; lastModified: number };

/** A rule of CodeBuild's the input breaks: the message CodeBuild answers (InvalidInputException). */
export class ProjectInputError extends Error {}

export const projectArn = (scope: Scope, name: string) => `arn:aws:codebuild:${scope.region}:${scope.account}:project/${name}`;

/** The project name an id names: a name, or a project ARN (of any region: the caller's scope decides). */
export function projectNameOf(id: string): string {
  const m = /^arn:[^:]+:codebuild:[^:]*:[^:]*:project\/(.+)$/.exec(id);
  return m ? m[1] : id;
}

const DEFAULT_TIMEOUT = 60;
const DEFAULT_QUEUED_TIMEOUT = 480;

/** What CreateProject adds to what it is given. */
function withDefaults(scope: Scope, p: StoredProject): StoredProject {
  return {
    ...p,
    secondarySources: p.secondarySources ?? [],
    secondarySourceVersions: p.secondarySourceVersions ?? [],
    secondaryArtifacts: p.secondaryArtifacts ?? [],
    cache: p.cache ?? { type: 'NO_CACHE' },
    environment: {
      ...p.environment!,
      environmentVariables: (p.environment?.environmentVariables ?? []).map((v) => ({ ...v, type: v.type ?? 'PLAINTEXT' })),
      privilegedMode: p.environment?.privilegedMode ?? false,
      imagePullCredentialsType: p.environment?.imagePullCredentialsType ?? 'CODEBUILD',
    },
    timeoutInMinutes: p.timeoutInMinutes ?? DEFAULT_TIMEOUT,
    queuedTimeoutInMinutes: p.queuedTimeoutInMinutes ?? DEFAULT_QUEUED_TIMEOUT,
    encryptionKey: p.encryptionKey ?? `arn:aws:kms:${scope.region}:${scope.account}:alias/aws/s3`,
    tags: p.tags ?? [],
    badge: { badgeEnabled: p.badge?.badgeEnabled ?? false },
    logsConfig: {
      cloudWatchLogs: p.logsConfig?.cloudWatchLogs ?? { status: 'ENABLED' },
      s3Logs: p.logsConfig?.s3Logs ?? { status: 'DISABLED', encryptionDisabled: false },
    },
    projectVisibility: p.projectVisibility ?? 'PRIVATE',
  };
}

/** The rules of CodeBuild's the model does not state, checked on the project as it would be stored. */
export function checkProject(p: StoredProject): void {
  const source = p.source!;
  const artifacts = p.artifacts!;
  if ((source.type === 'CODEPIPELINE') !== (artifacts.type === 'CODEPIPELINE'))
    throw new ProjectInputError('Invalid input: when using CodePipeline both sourceType, and artifactType must be set to: CODEPIPELINE');
  if (source.type === 'NO_SOURCE' && !source.buildspec?.trim()) throw new ProjectInputError('Invalid input: buildspec must be specified for NO_SOURCE source type');
  if (source.type !== 'NO_SOURCE' && source.type !== 'CODEPIPELINE' && !source.location)
    throw new ProjectInputError(`Invalid input: source location must be specified for source type ${source.type}`);
  if (source.type === 'S3' && !/^[^/]+\/.+/.test(source.location ?? '')) throw new ProjectInputError(`Invalid source location: ${source.location}`);
  if (artifacts.type === 'S3' && !artifacts.location) throw new ProjectInputError('Invalid input: artifacts location must be specified when artifacts type is S3');
  const names = new Set<string>();
  for (const v of p.environment?.environmentVariables ?? []) {
    if (names.has(v.name!)) throw new ProjectInputError(`Invalid input: duplicate environment variable name: ${v.name}`);
    names.add(v.name!);
  }
  const ids = new Set<string>();
  for (const s of p.secondarySources ?? []) {
    if (!s.sourceIdentifier || !/^[A-Za-z0-9_]{1,127}$/.test(s.sourceIdentifier))
      throw new ProjectInputError('Invalid input: identifier must contain only alphanumeric characters and underscores and be less than 128 characters in length');
    if (ids.has(s.sourceIdentifier)) throw new ProjectInputError(`Invalid input: duplicate source identifier: ${s.sourceIdentifier}`);
    ids.add(s.sourceIdentifier);
  }
  for (const a of p.secondaryArtifacts ?? [])
    if (!a.artifactIdentifier || !/^[A-Za-z0-9_]{1,127}$/.test(a.artifactIdentifier))
      throw new ProjectInputError('Invalid input: identifier must contain only alphanumeric characters and underscores and be less than 128 characters in length');
}

/** The stored project for CreateProject's input (checked; throws ProjectInputError). */
export function newProject(scope: Scope, input: CreateProjectInput, now: number): StoredProject {
  const { name } = input;
  const p = withDefaults(scope, { ...(input as Omit<CreateProjectInput, 'name'>), name: name!, arn: projectArn(scope, name!), created: now, lastModified: now });
  checkProject(p);
  return p;
}

/** The stored project after UpdateProject: each member given replaces the stored one. */
export function updatedProject(scope: Scope, stored: StoredProject, input: UpdateProjectInput, now: number): StoredProject {
  const given = Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== 'name'));
  const p = withDefaults(scope, { ...stored, ...given, name: stored.name, arn: stored.arn, created: stored.created, lastModified: now });
  checkProject(p);
  return p;
}

/** The project as the API answers it. */
export function projectView(p: StoredProject): Project {
  return { ...p, created: new Date(p.created), lastModified: new Date(p.lastModified) };
}
