// Catching up with changes made while change detection was not looking (the emulator was stopped, or
// a pipeline was just created or updated): AWS keeps detecting changes through an outage, so the head
// a source action would now read starts one execution when it is not the revision that action last
// produced. What counts as "last produced" is read from the pipeline's executions, newest first:
//   - an execution's artifactRevisions entry for the action's output artifact (the revision it read,
//     or the one PutActionRevision recorded), else its pinned sourceRevisions entry for the action
//     (an execution a trigger started whose source action has not completed yet: already seen);
//   - an InProgress execution with neither, not being stopped or cancelled, whose source action has not
//     failed, is still going to read the head itself: nothing to catch up;
//   - an execution whose source action found nothing to read (no repository, no such branch) saw
//     nothing: any head there is now is new;
//   - ROLLBACK executions (they re-run older revisions), executions of a pipeline version whose action
//     read another source (repository, branch, bucket, key), and executions whose source action failed
//     are skipped.
// A pipeline that never produced a revision of the action starts nothing.
import type { ActionDeclaration, ArtifactRevision } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { ExecutionRow } from '../store/executions.js';
import type { Scope } from '../store/scope.js';
import { foundNothing } from '../providers/sources/gitSource.js';
import { sourceActions } from './start.js';

const PAGE = 50;
/** How many executions a look at a pipeline's history reads at most. */
export const HISTORY_LIMIT = 500;

export type SourceHistoryEntry =
  | { kind: 'revision'; value: string; executionId: string }
  | { kind: 'pending'; executionId: string }
  | { kind: 'nothing'; executionId: string };

/** What identifies the source an action reads: its provider and the configuration naming what it reads. */
export function sourceIdentity(action: ActionDeclaration): string {
  const c = action.configuration ?? {};
  const provider = action.actionTypeId?.provider ?? '';
  const parts =
    provider === 'CodeCommit'
      ? [c.RepositoryName, c.BranchName]
      : provider === 'CodeStarSourceConnection'
        ? [c.FullRepositoryId, c.BranchName]
        : provider === 'S3'
          ? [c.S3Bucket, c.S3ObjectKey]
          : [JSON.stringify(c)];
  return JSON.stringify([provider, ...parts.map((p) => p ?? '')]);
}

function revisionOf(exec: ExecutionRow, artifacts: Set<string>): ArtifactRevision | undefined {
  return exec.artifactRevisions.find((r) => r.name !== undefined && artifacts.has(r.name) && r.revisionId);
}

/** The execution's latest attempt of the action. */
function lastAttempt(engine: Engine, exec: ExecutionRow, stage: string, action: string) {
  const rows = engine.store.executions.stageActions(exec.id, stage).filter((a) => a.action === action);
  return rows[rows.length - 1];
}

/**
 * The revisions a source action saw, newest execution first (bounded): see the header. Stops after
 * a pending entry (an execution still going to read the head) and after one that found nothing.
 */
export function* sourceHistory(engine: Engine, scope: Scope, pipeline: string, action: ActionDeclaration, limit = HISTORY_LIMIT): Generator<SourceHistoryEntry> {
  const identity = sourceIdentity(action);
  let read = 0;
  for (let before = Number.MAX_SAFE_INTEGER; read < limit; ) {
    const page = engine.store.executions.list(scope, pipeline, before, PAGE);
    for (const exec of page) {
      if (++read > limit) return;
      if (exec.executionType === 'ROLLBACK') continue;
      const stage = exec.declaration.stages?.[0];
      const declared = sourceActions(exec.declaration).find((a) => a.name === action.name);
      if (!stage || !declared || sourceIdentity(declared) !== identity) continue;
      const artifacts = new Set((declared.outputArtifacts ?? []).map((a) => a.name!));
      const produced = revisionOf(exec, artifacts);
      if (produced) {
        yield { kind: 'revision', value: produced.revisionId!, executionId: exec.id };
        continue;
      }
      const pin = exec.sourceRevisions.find((r) => r.actionName === action.name && r.revisionValue);
      if (pin) {
        yield { kind: 'revision', value: pin.revisionValue!, executionId: exec.id };
        continue;
      }
      const attempt = lastAttempt(engine, exec, stage.name!, action.name!);
      const endedBadly = !!attempt && attempt.status !== 'InProgress' && attempt.status !== 'Succeeded';
      if (exec.status === 'InProgress' && !exec.stopMode && !endedBadly) {
        yield { kind: 'pending', executionId: exec.id };
        return;
      }
      if (attempt?.status === 'Failed' && foundNothing(attempt.errorDetails?.message)) {
        yield { kind: 'nothing', executionId: exec.id };
        return;
      }
    }
    if (page.length < PAGE) return;
    before = page[page.length - 1].seq;
  }
}

/** The revision the action last produced (or was pinned to), a pending execution that will read the head itself, or a read that found nothing. */
export function lastSourceRevision(engine: Engine, scope: Scope, pipeline: string, action: ActionDeclaration): SourceHistoryEntry | undefined {
  for (const entry of sourceHistory(engine, scope, pipeline, action)) return entry;
  return undefined;
}

/** Whether a git revision (full or abbreviated, as a pin may be) names the commit `head`. */
export function sameCommit(revision: string, head: string): boolean {
  const r = revision.toLowerCase();
  const h = head.toLowerCase();
  return r === h || (/^[0-9a-f]{4,}$/.test(r) && h.startsWith(r));
}
