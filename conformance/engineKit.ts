// Helpers for execution tests: custom action types answered by a job worker written in the test,
// pipelines built from them, and bounded waits for the engine to settle.
import {
  AcknowledgeJobCommand,
  CreateCustomActionTypeCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
  type ActionTypeId,
  type CodePipelineClient,
  type Job,
  type PipelineDeclaration,
  type StageDeclaration,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT } from './harness.js';

export const SOURCE_TYPE: ActionTypeId = { category: 'Source', owner: 'Custom', provider: 'LocalSource', version: '1' };
export const BUILD_TYPE: ActionTypeId = { category: 'Build', owner: 'Custom', provider: 'LocalBuild', version: '1' };

export async function createCustomTypes(cp: CodePipelineClient) {
  await cp.send(
    new CreateCustomActionTypeCommand({
      ...(SOURCE_TYPE as Required<ActionTypeId>),
      configurationProperties: [{ name: 'Repo', required: true, key: true, secret: false, queryable: true, type: 'String' }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
    }),
  );
  await cp.send(
    new CreateCustomActionTypeCommand({
      ...(BUILD_TYPE as Required<ActionTypeId>),
      configurationProperties: [
        { name: 'Project', required: true, key: true, secret: false, queryable: true, type: 'String' },
        { name: 'Flags', required: false, key: false, secret: false, queryable: false, type: 'String' },
      ],
      inputArtifacts: undefined,
      inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    } as never),
  );
}

export const sourceAction = (name = 'Source', repo = 'app', output = 'SourceOut'): ActionDeclaration => ({
  name,
  actionTypeId: SOURCE_TYPE,
  configuration: { Repo: repo },
  outputArtifacts: [{ name: output }],
});

export const buildAction = (name: string, project: string, extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: BUILD_TYPE,
  configuration: { Project: project },
  ...extra,
});

export const approvalAction = (name = 'Approve', extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  ...extra,
});

export function pipelineOf(name: string, stages: StageDeclaration[], extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
    artifactStore: { type: 'S3', location: 'local-artifacts' },
    // Each pipeline's source polls on its own Repo value, so tests never take each other's jobs.
    stages: [{ name: 'Source', actions: [sourceAction('Source', name)] }, ...stages],
    ...extra,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `done` holds, for at most `ms` (bounded: tests never hang). */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`condition not reached within ${ms} ms; last value: ${JSON.stringify(v)}`);
    await sleep(10);
  }
}

export const executionStatus = async (cp: CodePipelineClient, pipelineName: string, pipelineExecutionId: string) =>
  (await cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution!.status!;

export const waitForStatus = (cp: CodePipelineClient, pipeline: string, id: string, status: string) =>
  until(() => executionStatus(cp, pipeline, id), (s) => s === status);

/** Polls one job of the type (optionally with a queryParam), acknowledging it. */
export async function takeJob(cp: CodePipelineClient, type: ActionTypeId, queryParam?: Record<string, string>): Promise<Job> {
  const jobs = await until(
    async () => (await cp.send(new PollForJobsCommand({ actionTypeId: type, maxBatchSize: 1, queryParam }))).jobs ?? [],
    (j) => j.length > 0,
  );
  await cp.send(new AcknowledgeJobCommand({ jobId: jobs[0].id, nonce: jobs[0].nonce }));
  return jobs[0];
}

export async function succeed(cp: CodePipelineClient, type: ActionTypeId, queryParam?: Record<string, string>, extra: object = {}) {
  const job = await takeJob(cp, type, queryParam);
  await cp.send(new PutJobSuccessResultCommand({ jobId: job.id, ...extra }));
  return job;
}

export async function fail(cp: CodePipelineClient, type: ActionTypeId, queryParam?: Record<string, string>, message = 'boom') {
  const job = await takeJob(cp, type, queryParam);
  await cp.send(new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message } }));
  return job;
}

export async function approvalToken(cp: CodePipelineClient, pipeline: string, stage: string, action: string): Promise<string> {
  const state = await until(
    () => cp.send(new GetPipelineStateCommand({ name: pipeline })),
    (s) => !!s.stageStates?.find((x) => x.stageName === stage)?.actionStates?.find((a) => a.actionName === action)?.latestExecution?.token,
  );
  return state.stageStates!.find((x) => x.stageName === stage)!.actionStates!.find((a) => a.actionName === action)!.latestExecution!.token!;
}

// ---- Additions for the execution-mode, stop and restart suites ----

/** The pipeline execution a job belongs to. */
export const jobExecutionId = (job: Job) => job.data!.pipelineContext!.pipelineExecutionId!;

/** Starts an execution by hand and returns its id. */
export async function startExecution(cp: CodePipelineClient, name: string): Promise<string> {
  return (await cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

/** The id of the newest execution (e.g. the one CreatePipeline started). */
export async function newestExecutionId(cp: CodePipelineClient, pipelineName: string): Promise<string> {
  return (await cp.send(new ListPipelineExecutionsCommand({ pipelineName }))).pipelineExecutionSummaries![0].pipelineExecutionId!;
}

/** [id, status] of every execution, newest first, as ListPipelineExecutions shows them. */
export async function executionStatuses(cp: CodePipelineClient, pipelineName: string): Promise<[string, string][]> {
  const out = await cp.send(new ListPipelineExecutionsCommand({ pipelineName }));
  return (out.pipelineExecutionSummaries ?? []).map((s) => [s.pipelineExecutionId!, s.status!]);
}

/** One stage's state from GetPipelineState. */
export async function stageState(cp: CodePipelineClient, pipeline: string, stage: string): Promise<StageState> {
  const state = await cp.send(new GetPipelineStateCommand({ name: pipeline }));
  return state.stageStates!.find((s) => s.stageName === stage)!;
}

/** Polls once, without waiting and without acknowledging: the jobs handed out right now. */
export async function pollNow(cp: CodePipelineClient, type: ActionTypeId, queryParam?: Record<string, string>, maxBatchSize = 10): Promise<Job[]> {
  return (await cp.send(new PollForJobsCommand({ actionTypeId: type, maxBatchSize, queryParam }))).jobs ?? [];
}

/** Polls (bounded) until exactly `count` jobs were handed out in total; does not acknowledge them. */
export async function collectJobs(cp: CodePipelineClient, type: ActionTypeId, queryParam: Record<string, string> | undefined, count: number): Promise<Job[]> {
  const got: Job[] = [];
  await until(
    async () => {
      got.push(...(await pollNow(cp, type, queryParam)));
      return got.length;
    },
    (n) => n >= count,
  );
  return got;
}
