// The custom job worker protocol end to end: what a job carries, which jobs a poll hands out,
// nonces, results on unknown or finished jobs, continuation tokens, output variables, revisions.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AcknowledgeJobCommand,
  CreatePipelineCommand,
  GetJobDetailsCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type ActionTypeId,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, failure, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, newestExecutionId, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

async function actionState(pipeline: string, stage: string, action: string) {
  const state = await t.cp.send(new GetPipelineStateCommand({ name: pipeline }));
  return state.stageStates!.find((s) => s.stageName === stage)!.actionStates!.find((a) => a.actionName === action)!.latestExecution;
}

const poll = async (type: ActionTypeId, queryParam?: Record<string, string>, maxBatchSize?: number) =>
  (await t.cp.send(new PollForJobsCommand({ actionTypeId: type, queryParam, maxBatchSize }))).jobs ?? [];

describe('job data', () => {
  it('carries the action type, resolved configuration, pipeline context, artifacts, credentials and encryption key', async () => {
    const name = 'jw-data';
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf(
          name,
          [{ name: 'Build', actions: [buildAction('Compile', 'jw-data', { configuration: { Project: 'jw-data', Flags: 'id=#{codepipeline.PipelineExecutionId}' }, inputArtifacts: [{ name: 'SourceOut' }] })] }],
          { artifactStore: { type: 'S3', location: 'local-artifacts', encryptionKey: { id: 'alias/local-key', type: 'KMS' } } },
        ),
      }),
    );
    const id = await newestExecutionId(t.cp, name);
    const source = await takeJob(t.cp, SOURCE_TYPE, { Repo: name });
    const sourceState = await actionState(name, 'Source', 'Source');
    expect(source.accountId).toBe(ACCOUNT);
    expect(source.data).toEqual({
      actionTypeId: SOURCE_TYPE,
      actionConfiguration: { configuration: { Repo: name } },
      pipelineContext: {
        pipelineName: name,
        stage: { name: 'Source' },
        action: { name: 'Source', actionExecutionId: sourceState!.actionExecutionId },
        pipelineArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${name}`,
        pipelineExecutionId: id,
      },
      inputArtifacts: [],
      outputArtifacts: [{ name: 'SourceOut', location: { type: 'S3', s3Location: { bucketName: 'local-artifacts', objectKey: expect.stringMatching(/^jw-data\/SourceOut\/\w+$/) } } }],
      artifactCredentials: { accessKeyId: expect.any(String), secretAccessKey: expect.any(String), sessionToken: expect.any(String) },
      encryptionKey: { id: 'alias/local-key', type: 'KMS' },
    });
    // GetJobDetails shows the same data.
    const details = await t.cp.send(new GetJobDetailsCommand({ jobId: source.id }));
    expect(details.jobDetails).toEqual({ id: source.id, data: source.data, accountId: ACCOUNT });

    const created = new Date('2024-05-01T10:00:00Z');
    await t.cp.send(
      new PutJobSuccessResultCommand({ jobId: source.id, currentRevision: { revision: 'rev-1', changeIdentifier: 'chg-1', created, revisionSummary: 'first commit' } }),
    );
    const build = await takeJob(t.cp, BUILD_TYPE, { Project: 'jw-data' });
    expect(build.data?.actionConfiguration).toEqual({ configuration: { Project: 'jw-data', Flags: `id=${id}` } });
    expect(build.data?.inputArtifacts).toEqual([{ name: 'SourceOut', revision: 'rev-1', location: source.data!.outputArtifacts![0].location }]);
    expect(build.data?.outputArtifacts).toEqual([]);
    // The source's currentRevision is the execution's artifact revision.
    const exec = (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution!;
    expect(exec.artifactRevisions).toEqual([{ name: 'SourceOut', revisionId: 'rev-1', revisionChangeIdentifier: 'chg-1', revisionSummary: 'first commit', created }]);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: build.id }));
    await waitForStatus(t.cp, name, id, 'Succeeded');
  });
});

describe('PollForJobs', () => {
  beforeAll(async () => {
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf('jw-poll', [{ name: 'Build', actions: [buildAction('A', 'jw-batch'), buildAction('B', 'jw-batch'), buildAction('C', 'jw-other')] }]),
      }),
    );
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'jw-poll' });
    await until(() => actionState('jw-poll', 'Build', 'C'), (s) => s?.status === 'InProgress');
  });

  it('hands out only jobs matching queryParam, one per poll by default, each once', async () => {
    const first = await poll(BUILD_TYPE, { Project: 'jw-batch' });
    expect(first).toHaveLength(1);
    const rest = await poll(BUILD_TYPE, { Project: 'jw-batch' }, 10);
    expect(rest).toHaveLength(1);
    expect(rest[0].id).not.toBe(first[0].id);
    expect([first[0], rest[0]].map((j) => j.data!.pipelineContext!.action!.name).sort()).toEqual(['A', 'B']);
    expect(await poll(BUILD_TYPE, { Project: 'jw-batch' }, 10)).toEqual([]);
    const other = await poll(BUILD_TYPE, { Project: 'jw-other' }, 10);
    expect(other.map((j) => j.data!.actionConfiguration!.configuration)).toEqual([{ Project: 'jw-other' }]);
    for (const j of [...first, ...rest, ...other]) await t.cp.send(new PutJobSuccessResultCommand({ jobId: j.id }));
  });

  it('rejects a queryParam key that is not a queryable property', async () => {
    const message = "Query parameter 'Flags' is not a queryable configuration property of the action type";
    await expectAwsError(t.cp.send(new PollForJobsCommand({ actionTypeId: BUILD_TYPE, queryParam: { Flags: 'x' } })), 'ValidationException', message);
  });

  it('answers ActionTypeNotFoundException for an unknown type and for types not owned by Custom', async () => {
    const ghost = { ...BUILD_TYPE, provider: 'Ghost' };
    await expectAwsError(
      t.cp.send(new PollForJobsCommand({ actionTypeId: ghost })),
      'ActionTypeNotFoundException',
      "ActionType (Category: 'Build', Owner: 'Custom', Provider: 'Ghost', Version: '1') is not available",
    );
    const manual = { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } as const;
    await expectAwsError(t.cp.send(new PollForJobsCommand({ actionTypeId: manual })), 'ActionTypeNotFoundException');
    const github = { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' } as const;
    await expectAwsError(t.cp.send(new PollForJobsCommand({ actionTypeId: github })), 'ActionTypeNotFoundException');
  });
});

describe('nonces and job states', () => {
  it('acknowledges with the polled nonce only, and answers results on unknown or finished jobs with AWS errors', async () => {
    const name = 'jw-nonce';
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('B', 'jw-nonce')] }]) }));
    const [job] = await until(() => poll(SOURCE_TYPE, { Repo: name }), (j) => j.length > 0);
    await expectAwsError(t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: 'not-the-nonce' })), 'InvalidNonceException');
    expect((await t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }))).status).toBe('InProgress');
    expect((await t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }))).status).toBe('InProgress');

    const ghost = randomUUID();
    const notFound = `Job with id '${ghost}' was not found`;
    await expectAwsError(t.cp.send(new GetJobDetailsCommand({ jobId: ghost })), 'JobNotFoundException', notFound);
    await expectAwsError(t.cp.send(new AcknowledgeJobCommand({ jobId: ghost, nonce: 'n' })), 'JobNotFoundException', notFound);
    await expectAwsError(t.cp.send(new PutJobSuccessResultCommand({ jobId: ghost })), 'JobNotFoundException', notFound);
    await expectAwsError(t.cp.send(new PutJobFailureResultCommand({ jobId: ghost, failureDetails: { type: 'JobFailed', message: 'x' } })), 'JobNotFoundException', notFound);

    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    expect((await t.cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }))).status).toBe('Succeeded');
    const finished = `Job '${job.id}' is in state Succeeded and cannot accept a result`;
    await expectAwsError(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id })), 'InvalidJobStateException', finished);
    await expectAwsError(t.cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'x' } })), 'InvalidJobStateException', finished);

    const other = client(t.emu.endpoint, { accessKeyId: '210987654321' });
    await expectAwsError(other.send(new GetJobDetailsCommand({ jobId: job.id })), 'JobNotFoundException');
    await succeed(t.cp, BUILD_TYPE, { Project: 'jw-nonce' });
  });
});

describe('continuation tokens and output variables', () => {
  it('turns a success with a continuation token into a new job; the final success publishes output variables', async () => {
    const name = 'jw-cont';
    await t.cp.send(
      new CreatePipelineCommand({
        pipeline: pipelineOf(name, [
          { name: 'Build', actions: [buildAction('Long', 'jw-cont', { namespace: 'LongVars' })] },
          { name: 'After', actions: [buildAction('Next', 'jw-cont-next', { configuration: { Project: 'jw-cont-next', Flags: 'out=#{LongVars.Out}' } })] },
        ]),
      }),
    );
    const id = await newestExecutionId(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const first = await takeJob(t.cp, BUILD_TYPE, { Project: 'jw-cont' });
    expect(first.data?.continuationToken).toBeUndefined();

    await expectAwsError(
      t.cp.send(new PutJobSuccessResultCommand({ jobId: first.id, continuationToken: 'step-1', outputVariables: { Out: 'x' } })),
      'ValidationException',
      'Output variables cannot be specified together with a continuation token',
    );
    await t.cp.send(
      new PutJobSuccessResultCommand({
        jobId: first.id,
        continuationToken: 'step-1',
        executionDetails: { summary: 'halfway', percentComplete: 50, externalExecutionId: 'ext-1' },
      }),
    );
    expect(await actionState(name, 'Build', 'Long')).toMatchObject({ status: 'InProgress', summary: 'halfway', percentComplete: 50, externalExecutionId: 'ext-1' });
    expect((await t.cp.send(new AcknowledgeJobCommand({ jobId: first.id, nonce: first.nonce }))).status).toBe('Succeeded');

    const second = await takeJob(t.cp, BUILD_TYPE, { Project: 'jw-cont' });
    expect(second.id).not.toBe(first.id);
    expect(second.data).toEqual({ ...first.data, continuationToken: 'step-1' });

    // Output variables over AWS's size quota are refused, and the job stays open.
    await expectAwsError(
      t.cp.send(new PutJobSuccessResultCommand({ jobId: second.id, outputVariables: { Out: 'x'.repeat(122_880) } })),
      'OutputVariablesSizeExceededException',
      'The output variables total 122883 bytes, over the limit of 122880 bytes',
    );
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: second.id, outputVariables: { Out: 'v1' }, executionDetails: { summary: 'done' } }));
    expect(await actionState(name, 'Build', 'Long')).toMatchObject({ status: 'Succeeded', summary: 'done' });

    const next = await takeJob(t.cp, BUILD_TYPE, { Project: 'jw-cont-next' });
    expect(next.data?.actionConfiguration?.configuration).toEqual({ Project: 'jw-cont-next', Flags: 'out=v1' });
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: next.id }));
    await waitForStatus(t.cp, name, id, 'Succeeded');
  });

  it('fails the action and the execution with the failure details', async () => {
    const name = 'jw-fail';
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('B', 'jw-fail')] }]) }));
    const id = await newestExecutionId(t.cp, name);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'jw-fail' });
    await t.cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'ConfigurationError', message: 'bad config', externalExecutionId: 'ext-9' } }));
    await waitForStatus(t.cp, name, id, 'Failed');
    expect(await actionState(name, 'Build', 'B')).toMatchObject({
      status: 'Failed',
      summary: 'bad config',
      externalExecutionId: 'ext-9',
      errorDetails: { code: 'ConfigurationError', message: 'bad config' },
    });
  });
});
