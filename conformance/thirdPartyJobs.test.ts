// Third-party (partner) jobs: PollForThirdPartyJobs hands out {clientId, jobId}; the partner gets
// the data and nonce with GetThirdPartyJobDetails, acknowledges and answers, always with its
// clientToken. Local rule: the first clientToken presented for a client binds it.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AcknowledgeThirdPartyJobCommand,
  CreatePipelineCommand,
  GetJobDetailsCommand,
  GetPipelineStateCommand,
  GetThirdPartyJobDetailsCommand,
  PollForJobsCommand,
  PollForThirdPartyJobsCommand,
  PutJobSuccessResultCommand,
  PutThirdPartyJobFailureResultCommand,
  PutThirdPartyJobSuccessResultCommand,
  type ActionTypeId,
  type ThirdPartyJob,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, failure, useEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, newestExecutionId, pipelineOf, succeed, takeJob, until, waitForStatus } from './engineKit.js';

const PARTNER: ActionTypeId = { category: 'Deploy', owner: 'ThirdParty', provider: 'AcmeDeploy', version: '1' };

const t = useEmulator({
  setup: async (cp, emu) => {
    await createCustomTypes(cp);
    emu.store.actionTypes.create(
      { account: ACCOUNT, region: 'us-east-1' },
      {
        type: {
          id: PARTNER as Required<ActionTypeId>,
          settings: { thirdPartyConfigurationUrl: 'https://acme.example/setup' },
          actionConfigurationProperties: [{ name: 'App', required: true, key: true, secret: false, queryable: true, type: 'String' }],
          inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        },
      },
      Date.now(),
    );
  },
});

const deployAction = (name: string, app: string) => ({ name, actionTypeId: PARTNER, configuration: { App: app }, inputArtifacts: [{ name: 'SourceOut' }] });

async function pipelineWithPartnerJob(name: string): Promise<{ executionId: string; job: ThirdPartyJob }> {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Deploy', actions: [deployAction('Ship', name)] }]) }));
  const executionId = await newestExecutionId(t.cp, name);
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  const jobs = await until(async () => (await t.cp.send(new PollForThirdPartyJobsCommand({ actionTypeId: PARTNER }))).jobs ?? [], (j) => j.length > 0);
  expect(jobs).toHaveLength(1);
  return { executionId, job: jobs[0] };
}

async function shipState(name: string) {
  const state = await t.cp.send(new GetPipelineStateCommand({ name }));
  return state.stageStates!.find((s) => s.stageName === 'Deploy')!.actionStates![0].latestExecution!;
}

describe('third-party jobs', () => {
  it('runs the partner protocol: poll, details with nonce, acknowledge, continuation, success', async () => {
    const name = 'tp-ok';
    const { executionId, job } = await pipelineWithPartnerJob(name);
    expect(Object.keys(job).sort()).toEqual(['clientId', 'jobId']);
    expect(job.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // A polled job is handed out once.
    expect((await t.cp.send(new PollForThirdPartyJobsCommand({ actionTypeId: PARTNER, maxBatchSize: 5 }))).jobs).toEqual([]);

    const details = (await t.cp.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'acme-token' }))).jobDetails!;
    expect(details.id).toBe(job.jobId);
    expect(details.nonce).toEqual(expect.any(String));
    expect(details.data).toMatchObject({
      actionTypeId: PARTNER,
      actionConfiguration: { configuration: { App: name } },
      pipelineContext: { pipelineName: name, stage: { name: 'Deploy' }, action: { name: 'Ship' }, pipelineExecutionId: executionId },
      inputArtifacts: [{ name: 'SourceOut', location: { type: 'S3' } }],
      outputArtifacts: [],
      artifactCredentials: { accessKeyId: expect.any(String) },
    });

    await expectAwsError(
      t.cp.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: 'wrong', clientToken: 'acme-token' })),
      'InvalidNonceException',
      `The nonce 'wrong' does not match the job '${job.jobId}'`,
    );
    const ack = await t.cp.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: details.nonce, clientToken: 'acme-token' }));
    expect(ack.status).toBe('InProgress');

    await t.cp.send(
      new PutThirdPartyJobSuccessResultCommand({
        jobId: job.jobId,
        clientToken: 'acme-token',
        continuationToken: 'deploy-42',
        executionDetails: { summary: 'deploying', percentComplete: 30 },
      }),
    );
    expect(await shipState(name)).toMatchObject({ status: 'InProgress', summary: 'deploying', percentComplete: 30 });
    const [next] = await until(async () => (await t.cp.send(new PollForThirdPartyJobsCommand({ actionTypeId: PARTNER }))).jobs ?? [], (j) => j.length > 0);
    expect(next.clientId).toBe(job.clientId);
    expect(next.jobId).not.toBe(job.jobId);
    const nextDetails = (await t.cp.send(new GetThirdPartyJobDetailsCommand({ jobId: next.jobId, clientToken: 'acme-token' }))).jobDetails!;
    expect(nextDetails.data).toEqual({ ...details.data, continuationToken: 'deploy-42' });

    await t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: next.jobId, clientToken: 'acme-token', executionDetails: { summary: 'deployed' } }));
    await waitForStatus(t.cp, name, executionId, 'Succeeded');
    expect(await shipState(name)).toMatchObject({ status: 'Succeeded', summary: 'deployed' });
    await expectAwsError(
      t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: next.jobId, clientToken: 'acme-token' })),
      'InvalidJobStateException',
      `Job '${next.jobId}' is in state Succeeded and cannot accept a result`,
    );
  });

  it('binds a client to the first clientToken it presents', async () => {
    const { job } = await pipelineWithPartnerJob('tp-token');
    await t.cp.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'first' }));
    const message = `The client token is not valid for client '${job.clientId}' of job '${job.jobId}'`;
    await expectAwsError(t.cp.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'second' })), 'InvalidClientTokenException', message);
    await expectAwsError(t.cp.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: 'n', clientToken: 'second' })), 'InvalidClientTokenException', message);
    await expectAwsError(t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'second' })), 'InvalidClientTokenException', message);
    await expectAwsError(
      t.cp.send(new PutThirdPartyJobFailureResultCommand({ jobId: job.jobId, clientToken: 'second', failureDetails: { type: 'JobFailed', message: 'x' } })),
      'InvalidClientTokenException',
      message,
    );
    await t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'first' }));
  });

  it('fails the action and the execution with the failure details', async () => {
    const name = 'tp-fail';
    const { executionId, job } = await pipelineWithPartnerJob(name);
    await t.cp.send(
      new PutThirdPartyJobFailureResultCommand({ jobId: job.jobId, clientToken: 'tok', failureDetails: { type: 'RevisionUnavailable', message: 'no such build' } }),
    );
    await waitForStatus(t.cp, name, executionId, 'Failed');
    expect(await shipState(name)).toMatchObject({ status: 'Failed', summary: 'no such build', errorDetails: { code: 'RevisionUnavailable', message: 'no such build' } });
  });

  it('keeps custom and third-party jobs apart', async () => {
    const { job } = await pipelineWithPartnerJob('tp-apart');
    const notFound = `Job with id '${job.jobId}' was not found`;
    await expectAwsError(t.cp.send(new GetJobDetailsCommand({ jobId: job.jobId })), 'JobNotFoundException', notFound);
    await expectAwsError(t.cp.send(new PutJobSuccessResultCommand({ jobId: job.jobId })), 'JobNotFoundException', notFound);
    await expectAwsError(t.cp.send(new PollForJobsCommand({ actionTypeId: PARTNER })), 'ActionTypeNotFoundException');
    await expectAwsError(
      t.cp.send(new PollForThirdPartyJobsCommand({ actionTypeId: SOURCE_TYPE })),
      'ActionTypeNotFoundException',
      "ActionType (Category: 'Source', Owner: 'Custom', Provider: 'LocalSource', Version: '1') is not available",
    );

    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('tp-custom', [{ name: 'Deploy', actions: [deployAction('Ship', 'tp-custom')] }]) }));
    const custom = await takeJob(t.cp, SOURCE_TYPE, { Repo: 'tp-custom' });
    const customNotFound = `Job with id '${custom.id}' was not found`;
    await expectAwsError(t.cp.send(new GetThirdPartyJobDetailsCommand({ jobId: custom.id, clientToken: 'tok' })), 'JobNotFoundException', customNotFound);
    await expectAwsError(t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: custom.id, clientToken: 'tok' })), 'JobNotFoundException', customNotFound);

    const ghost = randomUUID();
    await expectAwsError(t.cp.send(new AcknowledgeThirdPartyJobCommand({ jobId: ghost, nonce: 'n', clientToken: 'tok' })), 'JobNotFoundException', `Job with id '${ghost}' was not found`);
    await t.cp.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'tok' }));
  });
});
