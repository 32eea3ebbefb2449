// Secret action configuration: stored for real, shown as **** in every declaration a response
// returns, kept when UpdatePipeline sends **** back for an existing action, and given for real to
// the job worker.
import { describe, expect, it } from 'vitest';
import {
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  DeleteCustomActionTypeCommand,
  GetJobDetailsCommand,
  GetPipelineCommand,
  ListActionExecutionsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
  type ActionTypeId,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, pipelineOf, succeed, takeJob, waitForStatus } from './engineKit.js';

const DEPLOY_TYPE: ActionTypeId = { category: 'Deploy', owner: 'Custom', provider: 'SecretDeploy', version: '1' };

const t = useEmulator({
  setup: async (cp) => {
    await createCustomTypes(cp);
    await cp.send(
      new CreateCustomActionTypeCommand({
        ...(DEPLOY_TYPE as Required<ActionTypeId>),
        configurationProperties: [
          { name: 'Target', required: true, key: true, secret: false, queryable: true, type: 'String' },
          { name: 'Token', required: true, key: false, secret: true, queryable: false, type: 'String' },
          { name: 'Password', required: false, key: false, secret: true, queryable: false, type: 'String' },
          { name: 'Note', required: false, key: false, secret: false, queryable: false, type: 'String' },
        ],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
  },
});

const deployPipeline = (name: string, configuration: Record<string, string>): PipelineDeclaration =>
  pipelineOf(name, [
    { name: 'Deploy', actions: [{ name: 'Ship', actionTypeId: DEPLOY_TYPE, configuration, inputArtifacts: [{ name: 'SourceOut' }] }] },
  ]);

const shipConfig = (decl: PipelineDeclaration | undefined) => decl?.stages?.[1].actions?.[0].configuration;

/** Runs the source of the pipeline's latest execution and returns the configuration its deploy job carries. */
async function deployJobConfig(name: string): Promise<Record<string, string> | undefined> {
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  const job = await takeJob(t.cp, DEPLOY_TYPE, { Target: name });
  const details = await t.cp.send(new GetJobDetailsCommand({ jobId: job.id }));
  expect(details.jobDetails?.data?.actionConfiguration?.configuration).toEqual(job.data?.actionConfiguration?.configuration);
  await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
  return job.data?.actionConfiguration?.configuration;
}

describe('secret configuration properties of a custom action type', () => {
  it('masks the secret values in the CreatePipeline response and in GetPipeline', async () => {
    const created = await t.cp.send(new CreatePipelineCommand({ pipeline: deployPipeline('sec-1', { Target: 'sec-1', Token: 'real-token', Note: 'n1' }) }));
    expect(shipConfig(created.pipeline)).toEqual({ Target: 'sec-1', Token: '****', Note: 'n1' });
    // Non-secret configuration is untouched.
    expect(created.pipeline?.stages?.[0].actions?.[0].configuration).toEqual({ Repo: 'sec-1' });
    const got = await t.cp.send(new GetPipelineCommand({ name: 'sec-1' }));
    expect(shipConfig(got.pipeline)).toEqual({ Target: 'sec-1', Token: '****', Note: 'n1' });
  });

  it('gives the job worker the real value', async () => {
    expect(await deployJobConfig('sec-1')).toEqual({ Target: 'sec-1', Token: 'real-token', Note: 'n1' });
  });

  it('masks the secret values in ListActionExecutions', async () => {
    const out = await t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'sec-1' }));
    const ship = out.actionExecutionDetails!.find((d) => d.actionName === 'Ship')!;
    expect(ship.input?.configuration).toEqual({ Target: 'sec-1', Token: '****', Note: 'n1' });
    expect(ship.input?.resolvedConfiguration).toEqual({ Target: 'sec-1', Token: '****', Note: 'n1' });
  });

  it('keeps the stored value when UpdatePipeline sends **** back for an existing action', async () => {
    const current = (await t.cp.send(new GetPipelineCommand({ name: 'sec-1' }))).pipeline!;
    current.stages![1].actions![0].configuration = { ...shipConfig(current), Note: 'n2' };
    const updated = await t.cp.send(new UpdatePipelineCommand({ pipeline: current }));
    expect(updated.pipeline?.version).toBe(2);
    expect(shipConfig(updated.pipeline)).toEqual({ Target: 'sec-1', Token: '****', Note: 'n2' });
    const { pipelineExecutionId } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'sec-1' }));
    expect(await deployJobConfig('sec-1')).toEqual({ Target: 'sec-1', Token: 'real-token', Note: 'n2' });
    await waitForStatus(t.cp, 'sec-1', pipelineExecutionId!, 'Succeeded');
  });

  it('stores a new secret value sent by UpdatePipeline, and masks every version', async () => {
    const decl = deployPipeline('sec-1', { Target: 'sec-1', Token: 'new-token', Password: 'pw', Note: 'n3' });
    const updated = await t.cp.send(new UpdatePipelineCommand({ pipeline: decl }));
    expect(shipConfig(updated.pipeline)).toEqual({ Target: 'sec-1', Token: '****', Password: '****', Note: 'n3' });
    const { pipelineExecutionId } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'sec-1' }));
    expect(await deployJobConfig('sec-1')).toEqual({ Target: 'sec-1', Token: 'new-token', Password: 'pw', Note: 'n3' });
    await waitForStatus(t.cp, 'sec-1', pipelineExecutionId!, 'Succeeded');
    for (const [version, note] of [[1, 'n1'], [2, 'n2'], [3, 'n3']] as const) {
      const got = await t.cp.send(new GetPipelineCommand({ name: 'sec-1', version }));
      expect(got.pipeline?.version).toBe(version);
      expect(shipConfig(got.pipeline)?.Token).toBe('****');
      expect(shipConfig(got.pipeline)?.Note).toBe(note);
    }
  });

  it('keeps **** for an existing action even when the action moves within its stage', async () => {
    const current = (await t.cp.send(new GetPipelineCommand({ name: 'sec-1' }))).pipeline!;
    const ship = current.stages![1].actions![0];
    current.stages![1].actions = [
      { name: 'Other', actionTypeId: DEPLOY_TYPE, configuration: { Target: 'sec-1-other', Token: 'other-token' }, inputArtifacts: [{ name: 'SourceOut' }] },
      { ...ship, runOrder: 2 },
    ];
    const updated = await t.cp.send(new UpdatePipelineCommand({ pipeline: current }));
    expect(updated.pipeline?.stages?.[1].actions?.map((a) => [a.name, a.configuration?.Token])).toEqual([
      ['Other', '****'],
      ['Ship', '****'],
    ]);
    const { pipelineExecutionId } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'sec-1' }));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'sec-1' });
    const other = await takeJob(t.cp, DEPLOY_TYPE, { Target: 'sec-1-other' });
    expect(other.data?.actionConfiguration?.configuration?.Token).toBe('other-token');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: other.id }));
    const ship2 = await takeJob(t.cp, DEPLOY_TYPE, { Target: 'sec-1' });
    expect(ship2.data?.actionConfiguration?.configuration?.Token).toBe('new-token');
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: ship2.id }));
    await waitForStatus(t.cp, 'sec-1', pipelineExecutionId!, 'Succeeded');
  });

  it('refuses **** for a new action', async () => {
    const e = await failure(t.cp.send(new CreatePipelineCommand({ pipeline: deployPipeline('sec-2', { Target: 'sec-2', Token: '****' }) })));
    expect(e.name).toBe('InvalidActionDeclarationException');
    expect(e.message).toBe(
      'Action configuration for the new action "Ship" contains an invalid configuration for the secret property "Token". "****" may be used in secret properties only when updating an existing action.',
    );
  });

  it('still masks the secrets after the custom action type is deleted', async () => {
    await t.cp.send(new DeleteCustomActionTypeCommand({ category: 'Deploy', provider: 'SecretDeploy', version: '1' }));
    const got = await t.cp.send(new GetPipelineCommand({ name: 'sec-1' }));
    expect(got.pipeline?.stages?.[1].actions?.map((a) => a.configuration?.Token)).toEqual(['****', '****']);
  });
});

describe('ThirdParty GitHub (version 1) OAuthToken', () => {
  const github = (name: string, token: string): PipelineDeclaration => ({
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
    artifactStore: { type: 'S3', location: 'local-artifacts' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'GitHub',
            actionTypeId: { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' },
            configuration: { Owner: 'octo', Repo: 'app', Branch: 'main', OAuthToken: token, PollForSourceChanges: 'false' },
            outputArtifacts: [{ name: 'SourceOut' }],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'app-build' },
            inputArtifacts: [{ name: 'SourceOut' }],
          },
        ],
      },
    ],
  });
  const masked = { Owner: 'octo', Repo: 'app', Branch: 'main', OAuthToken: '****', PollForSourceChanges: 'false' };
  const sourceConfig = (decl: PipelineDeclaration | undefined) => decl?.stages?.[0].actions?.[0].configuration;

  it('masks OAuthToken in CreatePipeline, GetPipeline and UpdatePipeline', async () => {
    const created = await t.cp.send(new CreatePipelineCommand({ pipeline: github('gh-1', 'ghp_secret') }));
    expect(sourceConfig(created.pipeline)).toEqual(masked);
    expect(created.pipeline?.stages?.[1].actions?.[0].configuration).toEqual({ ProjectName: 'app-build' });
    const got = await t.cp.send(new GetPipelineCommand({ name: 'gh-1' }));
    expect(sourceConfig(got.pipeline)).toEqual(masked);
    const updated = await t.cp.send(new UpdatePipelineCommand({ pipeline: got.pipeline }));
    expect(updated.pipeline?.version).toBe(2);
    expect(sourceConfig(updated.pipeline)).toEqual(masked);
    const v1 = await t.cp.send(new GetPipelineCommand({ name: 'gh-1', version: 1 }));
    expect(sourceConfig(v1.pipeline)).toEqual(masked);
  });

  it('refuses **** as the OAuthToken of a new pipeline', async () => {
    const e = await failure(t.cp.send(new CreatePipelineCommand({ pipeline: github('gh-2', '****') })));
    expect(e.name).toBe('InvalidActionDeclarationException');
  });
});
