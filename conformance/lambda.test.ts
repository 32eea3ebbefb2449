// Invoke/Lambda end to end: local handlers (JS modules in fixtures/deploy/handlers, and commands)
// receive AWS's CodePipeline.job event and answer through the API with the SDK, exactly as a deployed
// function would; continuation tokens, failures, unmapped functions and the reply timeout.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetJobDetailsCommand,
  ListActionExecutionsCommand,
  PutJobSuccessResultCommand,
  type ActionDeclaration,
  type ActionExecutionDetail,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { zipFiles } from '../src/util/zip.js';
import { LAMBDA_REPLY_TIMEOUT_MS } from '../src/providers/deploy/lambda.js';
import { ACCOUNT, useEmulator } from './harness.js';
import { SOURCE_TYPE, createCustomTypes, executionStatus, newestExecutionId, pipelineOf, pollNow, takeJob, until } from './engineKit.js';

const CONFIG = path.resolve(import.meta.dirname, '../fixtures/deploy/codepipeline-local.yml');
const clock = new ManualClock();
const t = useEmulator({ clock, configFile: CONFIG, setup: createCustomTypes });

const lambda = (name: string, FunctionName: string, extra: Partial<ActionDeclaration> & { UserParameters?: string } = {}): ActionDeclaration => {
  const { UserParameters, ...rest } = extra;
  return {
    name,
    actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
    configuration: { FunctionName, ...(UserParameters !== undefined && { UserParameters }) },
    inputArtifacts: [{ name: 'SourceOut' }],
    ...rest,
  };
};

/** Creates the pipeline, answers its custom source with a small zip, and answers the execution id. */
async function run(name: string, stages: StageDeclaration[]): Promise<string> {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, stages) }));
  const job = await takeJob(t.cp, SOURCE_TYPE, { Repo: name });
  const loc = job.data!.outputArtifacts![0].location!.s3Location!;
  await t.emu.engine.artifacts.put(ACCOUNT, { bucket: loc.bucketName!, key: loc.objectKey! }, zipFiles([{ path: 'index.html', data: Buffer.from('<h1>hi</h1>') }]));
  await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision: 'rev-1', changeIdentifier: 'rev-1' } }));
  return newestExecutionId(t.cp, name);
}

const finished = (name: string, id: string) => until(() => executionStatus(t.cp, name, id), (s) => s !== 'InProgress' && s !== 'Stopping', 15_000);

async function actionDetail(pipelineName: string, id: string, action: string): Promise<ActionExecutionDetail> {
  const out = await t.cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: id } }));
  return out.actionExecutionDetails!.find((d) => d.actionName === action)!;
}

describe('Invoke/Lambda', () => {
  it('calls a JS handler with the job event; its PutJobSuccessResult output variables reach the action and later ones', async () => {
    const id = await run('lambda-js', [
      {
        name: 'Invoke',
        actions: [
          lambda('Hello', 'Reporter', { UserParameters: 'hello from the pipeline', namespace: 'Hello' }),
          lambda('Again', 'Reporter', { UserParameters: '#{Hello.Greeting} (again)', runOrder: 2 }),
        ],
      },
    ]);
    expect(await finished('lambda-js', id)).toBe('Succeeded');
    const hello = await actionDetail('lambda-js', id, 'Hello');
    expect(hello.status).toBe('Succeeded');
    expect(hello.output!.outputVariables).toEqual({
      Greeting: 'hello from the pipeline',
      Step: 'first',
      Function: 'Reporter',
      Account: ACCOUNT,
      InputArtifacts: 'SourceOut',
    });
    expect(hello.output!.executionResult!.externalExecutionSummary).toBe('reported by Reporter');
    const again = await actionDetail('lambda-js', id, 'Again');
    expect(again.input!.resolvedConfiguration).toEqual({ FunctionName: 'Reporter', UserParameters: 'hello from the pipeline (again)' });
    expect(again.output!.outputVariables!.Greeting).toBe('hello from the pipeline (again)');
  });

  it('invokes the function again with the continuation token it reported', async () => {
    const id = await run('lambda-continue', [{ name: 'Invoke', actions: [lambda('Long', 'Reporter', { UserParameters: 'continue' })] }]);
    expect(await finished('lambda-continue', id)).toBe('Succeeded');
    const d = await actionDetail('lambda-continue', id, 'Long');
    expect(d.output!.outputVariables).toMatchObject({ Greeting: 'continue', Step: 'step-2' });
    const jobs = t.emu.store.jobs.forAction(d.actionExecutionId!);
    // The first invocation's job, and the continuation job the second invocation answered.
    expect(jobs.map((j) => j.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(jobs.filter((j) => j.data.continuationToken === 'step-2')).toHaveLength(1);
  });

  it('runs a command handler with the event on stdin and in CODEPIPELINE_JOB_EVENT', async () => {
    const id = await run('lambda-command', [{ name: 'Invoke', actions: [lambda('Cmd', 'CommandReporter', { UserParameters: 'via a shell' })] }]);
    expect(await finished('lambda-command', id)).toBe('Succeeded');
    expect((await actionDetail('lambda-command', id, 'Cmd')).output!.outputVariables).toEqual({
      Via: 'command',
      SameEventInEnv: 'true',
      Function: 'CommandReporter',
      UserParameters: 'via a shell',
    });
  });

  it('fails the action when the handler throws without reporting', async () => {
    const id = await run('lambda-throws', [{ name: 'Invoke', actions: [lambda('Boom', 'Thrower')] }]);
    expect(await finished('lambda-throws', id)).toBe('Failed');
    const d = await actionDetail('lambda-throws', id, 'Boom');
    expect(d.status).toBe('Failed');
    expect(d.output!.executionResult!.externalExecutionSummary).toBe('The Lambda function Thrower failed without reporting a job result: kaboom');
    expect(d.output!.executionResult!.errorDetails).toEqual({ code: 'JobFailed', message: 'The Lambda function Thrower failed without reporting a job result: kaboom' });
  });

  it('fails the action with the message of PutJobFailureResult', async () => {
    const id = await run('lambda-reports-failure', [{ name: 'Invoke', actions: [lambda('Smoke', 'FailureReporter')] }]);
    expect(await finished('lambda-reports-failure', id)).toBe('Failed');
    const d = await actionDetail('lambda-reports-failure', id, 'Smoke');
    expect(d.output!.executionResult).toMatchObject({
      externalExecutionId: 'run-42',
      externalExecutionSummary: 'smoke tests failed: 2 of 5',
      errorDetails: { code: 'JobFailed', message: 'smoke tests failed: 2 of 5' },
    });
  });

  it('fails the action when a command exits non-zero without reporting', async () => {
    const id = await run('lambda-command-crash', [{ name: 'Invoke', actions: [lambda('Crash', 'CommandCrash')] }]);
    expect(await finished('lambda-command-crash', id)).toBe('Failed');
    expect((await actionDetail('lambda-command-crash', id, 'Crash')).output!.executionResult!.externalExecutionSummary).toBe(
      'The Lambda function CommandCrash failed without reporting a job result: the command exited with code 3: cannot connect to the database',
    );
  });

  it('fails clearly when the function has no local handler', async () => {
    const id = await run('lambda-unmapped', [{ name: 'Invoke', actions: [lambda('Nowhere', 'arn:aws:lambda:us-east-1:123456789012:function:NotDeployed')] }]);
    expect(await finished('lambda-unmapped', id)).toBe('Failed');
    expect((await actionDetail('lambda-unmapped', id, 'Nowhere')).output!.executionResult!.errorDetails).toEqual({
      code: 'ConfigurationError',
      message:
        "The Lambda function 'arn:aws:lambda:us-east-1:123456789012:function:NotDeployed' has no local handler: map it under lambda.functions in the " +
        'codepipeline-local configuration (handler: a JS module exporting handler(event, context), or command: a shell command), or create it with inline code in a stack',
    });
  });

  it('waits for a function that returned without reporting, never hands its job to job workers, and times out after 20 minutes', async () => {
    await t.cp.send(
      new CreateCustomActionTypeCommand({
        category: 'Invoke',
        provider: 'Lambda',
        version: '1',
        inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
      }),
    );
    const id = await run('lambda-silent', [{ name: 'Invoke', actions: [lambda('Quiet', 'Silent')] }]);
    const jobs = await until(
      async () => {
        const d = await actionDetail('lambda-silent', id, 'Quiet');
        return d?.actionExecutionId ? t.emu.store.jobs.forAction(d.actionExecutionId) : [];
      },
      (j) => j.length === 1,
    );
    // The function ran and returned; its job stays open for a late answer, visible to GetJobDetails.
    const details = await t.cp.send(new GetJobDetailsCommand({ jobId: jobs[0].id }));
    expect(details.jobDetails!.data!.actionConfiguration!.configuration).toEqual({ FunctionName: 'Silent' });
    expect(await pollNow(t.cp, { category: 'Invoke', owner: 'Custom', provider: 'Lambda', version: '1' })).toEqual([]);
    expect(await executionStatus(t.cp, 'lambda-silent', id)).toBe('InProgress');
    clock.advance(LAMBDA_REPLY_TIMEOUT_MS);
    t.emu.engine.runDueTimers();
    expect(await finished('lambda-silent', id)).toBe('Failed');
    expect((await actionDetail('lambda-silent', id, 'Quiet')).output!.executionResult!.errorDetails).toEqual({
      code: 'TimeoutError',
      message: 'The Lambda function did not report a result (PutJobSuccessResult or PutJobFailureResult) within 20 minutes',
    });
    expect(t.emu.store.jobs.get(jobs[0].id)!.status).toBe('TimedOut');
  });
});
