// GET /_local/simulated: the read-only view of what deploy and invoke actions left behind (simulated
// CloudFormation stacks, deployments, Step Functions executions), per account and region, chosen by
// the SigV4 credential scope or the account/region query parameters.
import { beforeAll, describe, expect, it } from 'vitest';
import { CreatePipelineCommand, ListActionExecutionsCommand, PutJobSuccessResultCommand, type ActionDeclaration, type ActionTypeId, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, useEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, executionStatus, pipelineOf, takeJob, until } from './engineKit.js';

const OTHER = '210987654321';
const NOW = '2025-01-15T09:30:00.000Z';
const clock = new ManualClock(Date.parse(NOW));
let other: CodePipelineClient;

const t = useEmulator({
  clock,
  setup: async (cp, emu) => {
    other = client(emu.endpoint, { accessKeyId: OTHER });
    await createCustomTypes(cp);
    await createCustomTypes(other);
  },
});

const TEMPLATE = JSON.stringify({
  Parameters: { Env: { Type: 'String' }, Password: { Type: 'String', NoEcho: 'true' } },
  Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orders' } } },
  Outputs: { TopicName: { Value: { Ref: 'Topic' } }, Env: { Value: { Ref: 'Env' } } },
});
const FILES = { 'template.json': TEMPLATE, 'imagedefinitions.json': '[{"name":"web","imageUri":"repo/web:2"}]' };
const aws = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' }) as ActionTypeId;
const deployActions: ActionDeclaration[] = [
  {
    name: 'Stack',
    actionTypeId: aws('Deploy', 'CloudFormation'),
    configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'orders', TemplatePath: 'SourceOut::template.json', ParameterOverrides: '{"Env":"prod","Password":"s3cret"}' },
    inputArtifacts: [{ name: 'SourceOut' }],
  },
  { name: 'Service', actionTypeId: aws('Deploy', 'ECS'), configuration: { ClusterName: 'prod', ServiceName: 'web' }, inputArtifacts: [{ name: 'SourceOut' }] },
  {
    name: 'Workflow',
    actionTypeId: aws('Invoke', 'StepFunctions'),
    configuration: { StateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:release`, Input: '{"go":true}' },
  },
];

/** Creates the pipeline in the client's account, answers its custom source, waits for the end; answers the action executions by name. */
async function deploy(c: CodePipelineClient, account: string, name: string, actions: ActionDeclaration[]) {
  const decl = pipelineOf(name, [{ name: 'Deploy', actions }]);
  decl.roleArn = `arn:aws:iam::${account}:role/pipeline`;
  await c.send(new CreatePipelineCommand({ pipeline: decl }));
  const job = await takeJob(c, SOURCE_TYPE, { Repo: name });
  const loc = job.data!.outputArtifacts![0].location!.s3Location!;
  await t.emu.engine.artifacts.put(account, { bucket: loc.bucketName!, key: loc.objectKey! }, zipFiles(Object.entries(FILES).map(([p, d]) => ({ path: p, data: Buffer.from(d) }))));
  await c.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'rev-1', changeIdentifier: 'rev-1' } }));
  const id = job.data!.pipelineContext!.pipelineExecutionId!;
  expect(await until(() => executionStatus(c, name, id), (s) => s !== 'InProgress', 15_000)).toBe('Succeeded');
  const out = await c.send(new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: id } }));
  return { id, actions: new Map(out.actionExecutionDetails!.map((d) => [d.actionName!, d])) };
}

async function get(pathAndQuery: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.emu.endpoint}${pathAndQuery}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

const sigv4 = (account: string, region: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${account}/20250115/${region}/codepipeline/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`,
});

describe('GET /_local/simulated', () => {
  let run: Awaited<ReturnType<typeof deploy>>;
  const logUrl = (action: string) => `${t.emu.endpoint}/_logs/${run.actions.get(action)!.actionExecutionId}`;
  const ref = (action: string) => ({ pipeline: 'sim-deploy', pipelineExecutionId: run.id, stage: 'Deploy', action, actionExecutionId: run.actions.get(action)!.actionExecutionId, logUrl: logUrl(action) });

  beforeAll(async () => {
    run = await deploy(t.cp, ACCOUNT, 'sim-deploy', deployActions);
  });

  it('lists the CloudFormation stack, the ECS deployment and the Step Functions execution of the account and region', async () => {
    const stackId = run.actions.get('Stack')!.output!.executionResult!.externalExecutionId!;
    const deploymentId = run.actions.get('Service')!.output!.executionResult!.externalExecutionId!;
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:release:${run.actions.get('Workflow')!.actionExecutionId}`;
    const stacks = [
      {
        stackName: 'orders',
        stackId,
        status: 'CREATE_COMPLETE',
        parameters: { Env: 'prod', Password: '****' },
        outputs: { TopicName: `arn:aws:sns:us-east-1:${ACCOUNT}:orders`, Env: 'prod' },
        resources: [{ logicalId: 'Topic', type: 'AWS::SNS::Topic', physicalId: `arn:aws:sns:us-east-1:${ACCOUNT}:orders`, status: 'CREATE_COMPLETE', simulated: true }],
        changeSets: [],
        created: NOW,
        updated: NOW,
        lastAction: ref('Stack'),
      },
    ];
    const deployments = [
      {
        provider: 'ECS',
        deploymentId,
        target: 'service web of the cluster prod',
        status: 'Succeeded',
        configuration: { ClusterName: 'prod', ServiceName: 'web' },
        created: NOW,
        source: ref('Service'),
      },
    ];
    const executions = [
      {
        executionArn,
        stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:release`,
        name: run.actions.get('Workflow')!.actionExecutionId,
        status: 'SUCCEEDED',
        input: '{"go":true}',
        output: '{"go":true}',
        startDate: NOW,
        stopDate: NOW,
        source: { pipeline: 'sim-deploy', pipelineExecutionId: run.id, actionExecutionId: run.actions.get('Workflow')!.actionExecutionId, logUrl: logUrl('Workflow') },
      },
    ];
    const scope = { account: ACCOUNT, region: 'us-east-1' };
    expect(await get(`/_local/simulated?account=${ACCOUNT}&region=us-east-1`)).toEqual({
      status: 200,
      type: 'application/json',
      body: { ...scope, stacks, deployments, executions },
    });
    // The credential scope of a SigV4 Authorization header chooses the same account and region.
    expect((await get('/_local/simulated/stacks', sigv4(ACCOUNT, 'us-east-1'))).body).toEqual({ ...scope, stacks });
    expect((await get('/_local/simulated/deployments', sigv4(ACCOUNT, 'us-east-1'))).body).toEqual({ ...scope, deployments });
    expect((await get('/_local/simulated/executions', sigv4(ACCOUNT, 'us-east-1'))).body).toEqual({ ...scope, executions });
  });

  it("shows nothing of one account to another, nor of one region in another; each account sees its own", async () => {
    expect((await get('/_local/simulated', sigv4(OTHER, 'us-east-1'))).body).toEqual({ account: OTHER, region: 'us-east-1', stacks: [], deployments: [], executions: [] });
    expect((await get(`/_local/simulated?account=${ACCOUNT}&region=eu-west-1`)).body).toEqual({ account: ACCOUNT, region: 'eu-west-1', stacks: [], deployments: [], executions: [] });

    const theirs = await deploy(other, OTHER, 'sim-other', [deployActions[1]]);
    const deploymentId = theirs.actions.get('Service')!.output!.executionResult!.externalExecutionId!;
    const listed = (await get('/_local/simulated/deployments', sigv4(OTHER, 'us-east-1'))).body;
    expect(listed.deployments.map((d: { deploymentId: string; source: { pipeline: string } }) => [d.deploymentId, d.source.pipeline])).toEqual([[deploymentId, 'sim-other']]);
    const mine = (await get(`/_local/simulated/deployments?account=${ACCOUNT}&region=us-east-1`)).body;
    expect(mine.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([run.actions.get('Service')!.output!.executionResult!.externalExecutionId]);
    // Query parameters win over the credential scope.
    expect((await get(`/_local/simulated/stacks?account=${OTHER}`, sigv4(ACCOUNT, 'us-east-1'))).body).toEqual({ account: OTHER, region: 'us-east-1', stacks: [] });
  });

  it('answers JSON errors for an unknown kind or a malformed account', async () => {
    expect(await get('/_local/simulated/buckets')).toEqual({
      status: 404,
      type: 'application/json',
      body: { __type: 'ResourceNotFoundException', message: "No simulated resources named 'buckets': use stacks, deployments or executions" },
    });
    expect(await get('/_local/simulated?account=12')).toEqual({
      status: 400,
      type: 'application/json',
      body: { __type: 'ValidationException', message: 'account must be 12 digits' },
    });
  });
});
