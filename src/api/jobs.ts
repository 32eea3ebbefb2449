// Shared rules of the job worker protocol (PollForJobs and friends, and their third-party twins).
import { randomUUID } from 'node:crypto';
import type { ActionTypeId, ExecutionDetails, FailureDetails, JobData } from '@aws-sdk/client-codepipeline';
import { actionTypeNotFound, findActionType } from '../catalog/lookup.js';
import { err, validationError } from '../protocol/errors.js';
import type { JobRow } from '../store/jobs.js';
import type { Ctx } from './context.js';
import { inputDate } from '../util/clock.js';

const FINISHED = ['Succeeded', 'Failed', 'TimedOut'];

export function loadJob(ctx: Ctx, jobId: string): JobRow {
  const job = ctx.store.jobs.get(jobId);
  if (!job || job.account !== ctx.account || job.region !== ctx.region) throw err('JobNotFoundException', `Job with id '${jobId}' was not found`);
  return job;
}

/** Hands out up to `max` queued jobs of the action type (matching queryParam), each with a fresh nonce. */
export function pollJobs(ctx: Ctx, actionTypeId: ActionTypeId, max: number, queryParam?: Record<string, string>): JobRow[] {
  const id = actionTypeId as Required<ActionTypeId>;
  const type = findActionType(ctx.store, ctx, id);
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

export function acknowledge(ctx: Ctx, job: JobRow, nonce: string): 'InProgress' | JobRow['status'] {
  if (job.nonce !== nonce) throw err('InvalidNonceException', `The nonce '${nonce}' does not match the job '${job.id}'`);
  if (job.status === 'Dispatched') {
    ctx.store.jobs.setStatus(job.id, 'InProgress', ctx.clock.now());
    return 'InProgress';
  }
  return job.status;
}

function requireOpen(job: JobRow) {
  if (FINISHED.includes(job.status) || job.status === 'Queued')
    throw err('InvalidJobStateException', `Job '${job.id}' is in state ${job.status} and cannot accept a result`);
}

export function succeedJob(
  ctx: Ctx,
  job: JobRow,
  r: { currentRevision?: { revision?: string; changeIdentifier?: string; created?: Date; revisionSummary?: string }; continuationToken?: string; executionDetails?: ExecutionDetails; outputVariables?: Record<string, string> },
) {
  requireOpen(job);
  if (r.continuationToken && r.outputVariables)
    throw validationError('Output variables cannot be specified together with a continuation token');
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
  requireOpen(job);
  ctx.store.jobs.setStatus(job.id, 'Failed', ctx.clock.now());
  ctx.engine.completeAction(job.actionExecutionId, {
    status: 'Failed',
    summary: failure.message,
    externalExecutionId: failure.externalExecutionId,
    errorDetails: { code: failure.type, message: failure.message },
  });
}
