// Shared rules of the job worker protocol (PollForJobs and friends, and their third-party twins).
// Custom jobs are seen only through the custom operations, ThirdParty jobs only through the
// third-party ones: a job id of the other kind is not found.
import { randomUUID } from 'node:crypto';
import type { ActionTypeId, CurrentRevision, ExecutionDetails, FailureDetails, JobData } from '@aws-sdk/client-codepipeline';
import { actionTypeNotFound, findActionType } from './catalog/lookup.js';
import { validationError } from '../../protocol/errors.js';
import { cpError } from './errors.js';
import type { JobRow } from '../../store/jobs.js';
import type { Ctx } from './context.js';
import { inputDate } from '../../util/clock.js';

/** Which operations see a job: the custom ones (owner Custom) or the third-party ones (owner ThirdParty). */
export type JobKind = 'Custom' | 'ThirdParty';

const FINISHED = ['Succeeded', 'Failed', 'TimedOut'];

/** AWS documents no default for maxBatchSize; one job per poll is the cautious reading. */
export const DEFAULT_MAX_BATCH_SIZE = 1;

/** AWS's quota on the output variables of one action, keys and values together (UTF-8 bytes). */
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880;

/**
 * Called by AcknowledgeJob and the job result operations before their own transaction: a job whose
 * timeout fell due times out now, even if the engine's timer has not fired yet, so no answer beats it.
 */
export function expireIfDue(ctx: Ctx, jobId: string) {
  const job = ctx.store.jobs.get(jobId);
  if (job) ctx.engine.expireDue(job.actionExecutionId);
}

export function loadJob(ctx: Ctx, jobId: string, kind: JobKind): JobRow {
  const job = ctx.store.jobs.get(jobId);
  // AWS-owned jobs (a Lambda invoke) are answered through the custom operations, as a real function does.
  const owners: string[] = kind === 'Custom' ? ['Custom', 'AWS'] : [kind];
  if (!job || job.account !== ctx.account || job.region !== ctx.region || !owners.includes(job.actionTypeId.owner!))
    throw cpError('JobNotFoundException', `Job with id '${jobId}' was not found`);
  return job;
}

/**
 * Hands out up to `max` queued jobs of the action type (matching queryParam), each with a fresh
 * nonce. PollForJobs serves only Custom types and PollForThirdPartyJobs only ThirdParty ones; any
 * other owner is an action type the operation cannot see.
 */
export function pollJobs(ctx: Ctx, kind: JobKind, actionTypeId: ActionTypeId, max: number, queryParam?: Record<string, string>): JobRow[] {
  const id = actionTypeId as Required<ActionTypeId>;
  const type = id.owner === kind ? findActionType(ctx.store, ctx, id) : undefined;
  if (!type) throw actionTypeNotFound(id);
  if (queryParam) {
    const queryable = new Set((type.actionConfigurationProperties ?? []).filter((p) => p.queryable).map((p) => p.name));
    for (const k of Object.keys(queryParam))
      if (!queryable.has(k)) throw validationError(`Query parameter '${k}' is not a queryable configuration property of the action type`);
  }
  const out: JobRow[] = [];
  const now = ctx.clock.now();
  for (const job of ctx.store.jobs.queued(ctx, id)) {
    if (out.length >= max) break;
    const config = job.data.actionConfiguration?.configuration ?? {};
    if (queryParam && Object.entries(queryParam).some(([k, v]) => config[k] !== v)) continue;
    const nonce = randomUUID();
    ctx.store.jobs.setStatus(job.id, 'Dispatched', now, nonce);
    out.push({ ...job, status: 'Dispatched', nonce });
  }
  return out;
}

/** AcknowledgeJob(ThirdPartyJob): the first acknowledgement moves a dispatched job to InProgress; the job's status is the answer. */
export function acknowledge(ctx: Ctx, job: JobRow, nonce: string): JobRow['status'] {
  if (job.nonce !== nonce) throw cpError('InvalidNonceException', `The nonce '${nonce}' does not match the job '${job.id}'`);
  if (job.status === 'Dispatched') {
    ctx.store.jobs.setStatus(job.id, 'InProgress', ctx.clock.now());
    return 'InProgress';
  }
  return job.status;
}

/**
 * The clientId/clientToken pair of third-party jobs. AWS checks the token against the partner's
 * registration of the client; locally the first clientToken presented for a client binds it, and a
 * different token for any job of that client is then refused.
 */
export function checkClientToken(ctx: Ctx, job: JobRow, clientToken: string) {
  const clientId = job.clientId!;
  const bound = ctx.store.jobs.clientToken(clientId);
  if (bound === undefined) ctx.store.jobs.bindClient(clientId, clientToken, ctx.clock.now());
  else if (bound !== clientToken) throw cpError('InvalidClientTokenException', `The client token is not valid for client '${clientId}' of job '${job.id}'`);
}

/** A result is accepted only while the job is out with a worker (polled, acknowledged or not). */
function requireOpen(ctx: Ctx, job: JobRow) {
  if (FINISHED.includes(job.status) || job.status === 'Queued')
    throw cpError('InvalidJobStateException', `Job '${job.id}' is in state ${job.status} and cannot accept a result`);
  // The action ended another way (abandoned, failed at a restart): its job can no longer report.
  const action = ctx.store.executions.action(job.actionExecutionId);
  if (action?.status !== 'InProgress')
    throw cpError('InvalidJobStateException', `Job '${job.id}' belongs to an action that is ${action?.status ?? 'gone'} and cannot accept a result`);
}

export interface JobSuccess {
  currentRevision?: CurrentRevision;
  continuationToken?: string;
  executionDetails?: ExecutionDetails;
  outputVariables?: Record<string, string>;
}

export function succeedJob(ctx: Ctx, job: JobRow, r: JobSuccess) {
  requireOpen(ctx, job);
  if (r.continuationToken && r.outputVariables)
    throw validationError('Output variables cannot be specified together with a continuation token');
  if (r.outputVariables) {
    const size = Object.entries(r.outputVariables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (size > OUTPUT_VARIABLES_MAX_BYTES)
      throw cpError('OutputVariablesSizeExceededException', `The output variables total ${size} bytes, over the limit of ${OUTPUT_VARIABLES_MAX_BYTES} bytes`);
  }
  const now = ctx.clock.now();
  ctx.store.jobs.setStatus(job.id, 'Succeeded', now);
  const details = r.executionDetails;
  if (r.continuationToken) {
    // The action goes on: the next job carries the token.
    ctx.store.executions.updateAction(job.actionExecutionId, {
      ...(details?.summary && { summary: details.summary }),
      ...(details?.externalExecutionId && { externalExecutionId: details.externalExecutionId }),
      ...(details?.percentComplete !== undefined && { percentComplete: details.percentComplete }),
      updated: now,
    });
    const data: JobData = { ...job.data, continuationToken: r.continuationToken };
    ctx.providers.jobWorker.queueJob(job.actionExecutionId, data, now);
    return;
  }
  const revision = r.currentRevision;
  ctx.engine.completeAction(job.actionExecutionId, {
    status: 'Succeeded',
    summary: details?.summary,
    externalExecutionId: details?.externalExecutionId,
    outputVariables: r.outputVariables,
    ...(revision?.revision && {
      revision: {
        revisionId: revision.revision,
        ...(revision.changeIdentifier && { revisionChangeIdentifier: revision.changeIdentifier }),
        ...(revision.revisionSummary && { revisionSummary: revision.revisionSummary }),
        created: inputDate(revision.created) ?? new Date(now),
      },
    }),
  });
}

export function failJob(ctx: Ctx, job: JobRow, failure: FailureDetails) {
  requireOpen(ctx, job);
  ctx.store.jobs.setStatus(job.id, 'Failed', ctx.clock.now());
  ctx.engine.completeAction(job.actionExecutionId, {
    status: 'Failed',
    summary: failure.message,
    externalExecutionId: failure.externalExecutionId,
    errorDetails: { code: failure.type, message: failure.message },
  });
}
