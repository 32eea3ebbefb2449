// Custom and third-party actions: the action becomes a job that a job worker polls for
// (PollForJobs / PollForThirdPartyJobs), acknowledges and answers. A continuation token turns one
// job into the next; a job not finished within the timeout fails the action.
import { createHash, randomUUID } from 'node:crypto';
import type { JobData } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider, ActionStart } from '../engine/provider.js';
import type { ActionExecutionRow, ExecutionRow } from '../store/executions.js';
import type { JobRow } from '../store/jobs.js';

/** How long a job may run before it times out (AWS: 24 hours for custom actions), unless its action type's executor says otherwise. */
export const JOB_TIMEOUT_MS = 24 * 60 * 60_000;

/** A third-party action's client: one stable id per pipeline action, shaped as AWS's ClientId (a UUID). */
function clientIdOf(exec: ExecutionRow, row: ActionExecutionRow): string {
  const h = createHash('sha256').update([exec.account, exec.region, exec.pipeline, row.stage, row.action].join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The job data a worker (or a local Lambda function) gets: configuration, context, artifacts, credentials. */
export function jobDataFor(engine: Engine, start: ActionStart): JobData {
  const { execution, stage, action, actionExecution } = start;
  // A PutActionRevision execution tells its source's worker which revision to produce.
  const pushed = new Map(execution.triggerType === 'PutActionRevision' ? execution.artifactRevisions.map((r) => [r.name, r.revisionId]) : []);
  const data: JobData = {
    actionTypeId: action.actionTypeId,
    actionConfiguration: { configuration: start.resolvedConfiguration },
    pipelineContext: {
      pipelineName: execution.pipeline,
      stage: { name: stage.name },
      action: { name: action.name, actionExecutionId: actionExecution.id },
      pipelineArn: engine.pipelineArnOf(execution),
      pipelineExecutionId: execution.id,
    },
    inputArtifacts: start.inputArtifacts.map((a) => ({
      name: a.name,
      ...(a.revision && { revision: a.revision }),
      location: { type: 'S3', s3Location: { bucketName: a.s3location?.bucket, objectKey: a.s3location?.key } },
    })),
    outputArtifacts: start.outputArtifacts.map((a) => ({
      name: a.name,
      ...(pushed.get(a.name) && { revision: pushed.get(a.name) }),
      location: { type: 'S3', s3Location: { bucketName: a.location.bucket, objectKey: a.location.key } },
    })),
    // Signatures verified: a key the emulator issues for the pipeline's account, so the worker can read and write the artifacts.
    artifactCredentials: { ...(engine.credentialsFor?.(execution.account) ?? { accessKeyId: 'LOCALACCESSKEY', secretAccessKey: 'local-secret' }), sessionToken: 'local-session' },
  };
  const encryptionKey = execution.declaration.artifactStore?.encryptionKey;
  if (encryptionKey) data.encryptionKey = encryptionKey;
  return data;
}

export class JobWorkerProvider implements ActionProvider {
  constructor(private readonly engine: Engine) {}

  begin(start: ActionStart) {
    this.queueJob(start.actionExecution.id, jobDataFor(this.engine, start), start.now);
  }

  /** Queues a job for the action execution; used at start and for each continuation. */
  queueJob(actionExecutionId: string, data: JobData, now: number) {
    const id = randomUUID();
    const row = this.engine.store.executions.action(actionExecutionId)!;
    const exec = this.engine.store.executions.get(row.executionId)!;
    const t = data.actionTypeId!;
    const actionTypeId: JobRow['actionTypeId'] = { category: t.category!, owner: t.owner!, provider: t.provider!, version: t.version! };
    this.engine.store.jobs.insert({
      id,
      account: exec.account,
      region: exec.region,
      actionExecutionId,
      actionTypeId,
      status: 'Queued',
      data,
      ...(t.owner === 'ThirdParty' && { clientId: clientIdOf(exec, row) }),
      created: now,
      updated: now,
    });
    this.engine.store.timers.cancel(actionExecutionId);
    this.engine.store.timers.add(now + this.jobTimeoutMs(exec, actionTypeId), 'job-timeout', actionExecutionId);
    return id;
  }

  /** The executor's jobTimeout (seconds) of an action type the account owns, else the default. */
  private jobTimeoutMs(exec: ExecutionRow, t: JobRow['actionTypeId']): number {
    const seconds = this.engine.store.actionTypes.get(exec, t)?.stored.executor?.jobTimeout;
    return seconds ? seconds * 1000 : JOB_TIMEOUT_MS;
  }

  cancel(row: ActionExecutionRow) {
    const now = this.engine.clock.now();
    for (const job of this.engine.store.jobs.forAction(row.id))
      if (!['Succeeded', 'Failed', 'TimedOut'].includes(job.status)) this.engine.store.jobs.setStatus(job.id, 'Failed', now);
  }

  timeout(row: ActionExecutionRow) {
    const now = this.engine.clock.now();
    for (const job of this.engine.store.jobs.forAction(row.id))
      if (!['Succeeded', 'Failed', 'TimedOut'].includes(job.status)) this.engine.store.jobs.setStatus(job.id, 'TimedOut', now);
    this.engine.completeAction(row.id, {
      status: 'Failed',
      summary: 'The job did not complete before its timeout',
      errorDetails: { code: 'TimeoutError', message: 'The job timed out.' },
    });
  }
}
