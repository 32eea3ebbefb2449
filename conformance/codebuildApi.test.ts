// The CodeBuild API through the real endpoint: projects (create, update, delete, batch-get, list),
// durable per account and region, and used by a pipeline's CodeBuild action.
import { describe, expect, it } from 'vitest';
import {
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  DeleteProjectCommand,
  ListProjectsCommand,
  UpdateProjectCommand,
  type CreateProjectInput,
} from '@aws-sdk/client-codebuild';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ACCOUNT, expectAwsError, rawCall, useEmulator } from './harness.js';
import { createCustomTypes, pipelineOf, waitForStatus } from './engineKit.js';
import { actionExecution, codeBuildAction, fetchLog, startWithSource } from './localBuildKit.js';

const NOW = Date.UTC(2026, 1, 3, 4, 5, 6);
let now = NOW;
const t = useEmulator({ clock: { now: () => now }, setup: (cp) => createCustomTypes(cp) });
const cb = (region = 'us-east-1') =>
  new CodeBuildClient({ endpoint: t.emu.endpoint, region, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });

const INLINE = `version: 0.2
env:
  exported-variables:
    - FROM_PROJECT
phases:
  build:
    commands:
      - echo "project says $GREETING, token $TOKEN"
      - export FROM_PROJECT="built-$GREETING"
`;

const projectInput = (name: string, extra: Partial<CreateProjectInput> = {}): CreateProjectInput => ({
  name,
  source: { type: 'CODEPIPELINE', buildspec: INLINE },
  artifacts: { type: 'CODEPIPELINE' },
  environment: {
    type: 'LINUX_CONTAINER',
    image: 'aws/codebuild/standard:7.0',
    computeType: 'BUILD_GENERAL1_SMALL',
    environmentVariables: [
      { name: 'GREETING', value: 'hello' },
      { name: 'TOKEN', value: '/ci/token', type: 'PARAMETER_STORE' },
    ],
  },
  serviceRole: `arn:aws:iam::${ACCOUNT}:role/codebuild`,
  ...extra,
});

describe('projects', () => {
  it('CreateProject answers the project with AWS defaults; a second create is ResourceAlreadyExistsException', async () => {
    const { project } = await cb().send(new CreateProjectCommand(projectInput('api-project', { description: 'made by the API' })));
    expect(project).toEqual({
      name: 'api-project',
      arn: `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/api-project`,
      description: 'made by the API',
      source: { type: 'CODEPIPELINE', buildspec: INLINE },
      secondarySources: [],
      secondarySourceVersions: [],
      artifacts: { type: 'CODEPIPELINE' },
      secondaryArtifacts: [],
      cache: { type: 'NO_CACHE' },
      environment: {
        type: 'LINUX_CONTAINER',
        image: 'aws/codebuild/standard:7.0',
        computeType: 'BUILD_GENERAL1_SMALL',
        environmentVariables: [
          { name: 'GREETING', value: 'hello', type: 'PLAINTEXT' },
          { name: 'TOKEN', value: '/ci/token', type: 'PARAMETER_STORE' },
        ],
        privilegedMode: false,
        imagePullCredentialsType: 'CODEBUILD',
      },
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/codebuild`,
      timeoutInMinutes: 60,
      queuedTimeoutInMinutes: 480,
      encryptionKey: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3`,
      tags: [],
      created: new Date(NOW),
      lastModified: new Date(NOW),
      badge: { badgeEnabled: false },
      logsConfig: { cloudWatchLogs: { status: 'ENABLED' }, s3Logs: { status: 'DISABLED', encryptionDisabled: false } },
      projectVisibility: 'PRIVATE',
    });
    await expectAwsError(cb().send(new CreateProjectCommand(projectInput('api-project'))), 'ResourceAlreadyExistsException', 'Project already exists: api-project');
  });

  it('UpdateProject replaces what it is given; BatchGetProjects finds by name or ARN', async () => {
    now = NOW + 60_000;
    const { project } = await cb().send(new UpdateProjectCommand({ name: 'api-project', timeoutInMinutes: 15, tags: [{ key: 'team', value: 'ci é' }] }));
    expect(project?.tags).toEqual([{ key: 'team', value: 'ci é' }]);
    expect([project?.timeoutInMinutes, project?.description, project?.created, project?.lastModified]).toEqual([15, 'made by the API', new Date(NOW), new Date(NOW + 60_000)]);
    const out = await cb().send(new BatchGetProjectsCommand({ names: ['api-project', `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/api-project`, 'nope'] }));
    expect(out.projects?.map((p) => [p.name, p.timeoutInMinutes])).toEqual([
      ['api-project', 15],
      ['api-project', 15],
    ]);
    expect(out.projectsNotFound).toEqual(['nope']);
    await expectAwsError(
      cb().send(new UpdateProjectCommand({ name: 'missing-project' })),
      'ResourceNotFoundException',
      `Project cannot be found: arn:aws:codebuild:us-east-1:${ACCOUNT}:project/missing-project`,
    );
  });

  it('ListProjects sorts and pages; projects are per region; DeleteProject removes one', async () => {
    for (const n of ['zeta-project', 'alpha-project']) await cb().send(new CreateProjectCommand(projectInput(n)));
    await cb('eu-west-1').send(new CreateProjectCommand(projectInput('elsewhere')));
    expect((await cb().send(new ListProjectsCommand({}))).projects).toEqual(['alpha-project', 'api-project', 'zeta-project']);
    expect((await cb().send(new ListProjectsCommand({ sortOrder: 'DESCENDING' }))).projects).toEqual(['zeta-project', 'api-project', 'alpha-project']);
    expect((await cb('eu-west-1').send(new ListProjectsCommand({}))).projects).toEqual(['elsewhere']);
    await cb().send(new DeleteProjectCommand({ name: 'zeta-project' }));
    await cb().send(new DeleteProjectCommand({ name: 'zeta-project' }));
    expect((await cb().send(new ListProjectsCommand({ sortBy: 'CREATED_TIME' }))).projects).toEqual(['api-project', 'alpha-project']);
    await expectAwsError(cb().send(new ListProjectsCommand({ nextToken: 'bogus' })), 'InvalidInputException', 'Invalid next token');
  });

  it('bad input answers InvalidInputException or ValidationException, never a 500', async () => {
    await expectAwsError(
      cb().send(new CreateProjectCommand(projectInput('mixed', { artifacts: { type: 'NO_ARTIFACTS' } }))),
      'InvalidInputException',
      'Invalid input: when using CodePipeline both sourceType, and artifactType must be set to: CODEPIPELINE',
    );
    await expectAwsError(
      cb().send(new CreateProjectCommand(projectInput('nosource', { source: { type: 'NO_SOURCE' }, artifacts: { type: 'NO_ARTIFACTS' } }))),
      'InvalidInputException',
      'Invalid input: buildspec must be specified for NO_SOURCE source type',
    );
    const bad = await rawCall(t.emu.endpoint, 'CodeBuild_20161006.CreateProject', JSON.stringify({ ...projectInput('x'), name: 'x' }));
    expect([bad.status, bad.json]).toEqual([
      400,
      {
        __type: 'ValidationException',
        message: "2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2; Value 'x' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}",
      },
    ]);
    const garbage = await rawCall(t.emu.endpoint, 'CodeBuild_20161006.BatchGetProjects', '{"names": "one"}');
    expect([garbage.status, garbage.json?.__type]).toEqual([400, 'SerializationException']);
    const other = await rawCall(t.emu.endpoint, 'CodeBuild_20161006.ListReportGroups', '{}');
    expect([other.status, other.json]).toEqual([501, { __type: 'NotImplementedException', message: 'ListReportGroups is not implemented yet in codepipeline-local' }]);
  });
});

describe('ListProjects pages', () => {
  it('answers 100 names a page with a nextToken that only fits the same sort', async () => {
    const c = cb('ap-south-1');
    for (let i = 0; i < 103; i++) await c.send(new CreateProjectCommand(projectInput(`paged-${String(i).padStart(3, '0')}`)));
    const first = await c.send(new ListProjectsCommand({}));
    expect([first.projects?.length, first.projects?.[0], first.projects?.[99]]).toEqual([100, 'paged-000', 'paged-099']);
    const second = await c.send(new ListProjectsCommand({ nextToken: first.nextToken }));
    expect([second.projects, second.nextToken]).toEqual([['paged-100', 'paged-101', 'paged-102'], undefined]);
    await expectAwsError(c.send(new ListProjectsCommand({ nextToken: first.nextToken, sortOrder: 'DESCENDING' })), 'InvalidInputException', 'Invalid next token');
  });
});

describe('a pipeline CodeBuild action runs the project as stored', () => {
  it('runs its inline buildspec with its variables, the PARAMETER_STORE one resolved from SSM and masked in the log', async () => {
    const ssm = new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
    await ssm.send(new PutParameterCommand({ Name: '/ci/token', Value: 'tok-123', Type: 'SecureString' }));
    const decl = pipelineOf('stored-project', [
      { name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'api-project' }, { namespace: 'BuildVars' })] },
    ]);
    const id = await startWithSource(t.emu, t.cp, decl, { 'readme.txt': 'no buildspec here' });
    await waitForStatus(t.cp, 'stored-project', id, 'Succeeded');
    const detail = await actionExecution(t.cp, 'stored-project', id, 'Build');
    expect(detail.output?.outputVariables).toEqual({ FROM_PROJECT: 'built-hello' });
    const log = await fetchLog(t.emu, detail.actionExecutionId!);
    expect(log.text).toContain('project says hello, token ***');
    expect(log.text).not.toContain('tok-123');
    expect(log.text).toContain('YAML location is the project configuration (inline buildspec)');
  });
});
