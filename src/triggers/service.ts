// Change detection: which source actions of which pipelines watch what (git refs of a local
// repository, S3 objects), kept in step with pipeline create/update/delete, and the executions a
// change starts. Event-driven: fs.watch on git refs, the S3 store's object-created hook.
//
// Trigger types (ExecutionTrigger) as AWS reports them:
//   CodeCommit, S3         PollForSourceChanges true/omitted -> 'PollForSourceChanges'
//                          PollForSourceChanges false        -> 'CloudWatchEvent' (detail: the EventBridge rule ARN)
//   CodeStarSourceConnection (DetectChanges, default true)   -> 'Webhook' on V1, 'WebhookV2' on V2 (detail: the ConnectionArn)
//   V2 pipeline with a trigger for the source action         -> 'WebhookV2' when a push filter matches (the
//                          action's BranchName is then not used for pushes, as in AWS)
//
// What a git source has seen is kept in the store (store/sourceHeads.ts): per pipeline, source action
// and watched ref (its own branch, or each branch and tag a V2 push filter names), the head last seen,
// written in the same transaction as the execution it starts. A live ref move, or a head found by a
// catch-up, is new when it differs from that row; once a baseline is taken, a ref without a row is new.
// The baseline: a repository missing when the pipeline (or its source) is created has seen nothing,
// so its first commits start the pipeline whenever they are observed; an existing one is taken as
// seen (CreatePipeline's own execution reads it), its own branch judged by the execution history
// (catchUp.ts) as before these rows existed.
//
// Catch-up: when the service starts, and when a pipeline is created or updated, each watched ref's
// current head (git: the watcher's snapshot of the refs; S3: the latest object version) starts one
// execution, pinned to it, with the trigger a live change would report, when it is new: changes made
// while the emulator was stopped are not lost. Per repository, catch-ups and ref changes are handled
// one at a time, in the order of the snapshots they come from, so a head is never started twice.
import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import { branchRef, changedFiles, isCommitId, looksLikeRepository } from '../git/git.js';
import { gitSourceConfig, type GitProvider } from '../providers/sources/gitSource.js';
import type { ObjectCreatedEvent, SourceObjectStore } from '../providers/sources/s3Objects.js';
import type { Scope } from '../store/scope.js';
import { lastSourceRevision, sameCommit, sourceHistory } from './catchUp.js';
import { matchingRule, type SourceChange } from './eventRules.js';
import { FolderWatches } from './folderWatch.js';
import { pushMatches, pushWatches } from './filters.js';
import { RepoWatcher, type RefChange } from './gitWatcher.js';
import { allPipelines, eventRuleArn, isV2, sourceActions, startFromTrigger, triggerFor, type StoredPipeline, type TriggerPin } from './start.js';

const pipelineKey = (s: Scope, name: string) => `${s.account}\u0000${s.region}\u0000${name}`;

interface Subscription {
  scope: Scope;
  pipeline: string;
  declaration: PipelineDeclaration;
  action: ActionDeclaration;
  /** The ARN of an EventBridge rule (a stack's AWS::Events::Rule) that targets the pipeline for this source, read when a change comes. */
  eventRule?: () => string | undefined;
}

interface GitSubscription extends Subscription {
  provider: GitProvider;
  branch: string;
  repoPath: string;
  /** What its seen heads are kept for: the repository and the refs watched (another value: start over). */
  source: string;
}

interface S3Subscription extends Subscription {
  bucket: string;
  key: string;
}

export type Trigger = { triggerType: string; triggerDetail?: string };

const polls = (config: Record<string, string>) => (config.PollForSourceChanges ?? 'true').toLowerCase() !== 'false';

/** The trigger a CodeCommit or S3 change reports. */
function eventTrigger(sub: Subscription): Trigger {
  return polls(sub.action.configuration ?? {})
    ? { triggerType: 'PollForSourceChanges' }
    : { triggerType: 'CloudWatchEvent', triggerDetail: sub.eventRule?.() ?? eventRuleArn(sub.scope, sub.pipeline, sub.action.name!) };
}

/** Whether a moved ref starts the subscription's pipeline, and with which trigger. */
export async function gitTrigger(sub: GitSubscription, change: RefChange, files: () => Promise<string[]>): Promise<Trigger | undefined> {
  const config = sub.action.configuration ?? {};
  if (sub.provider === 'CodeCommit') return change.ref === branchRef(sub.branch) ? eventTrigger(sub) : undefined;
  const connection = { triggerDetail: config.ConnectionArn };
  const trigger = triggerFor(sub.declaration, sub.action.name!);
  if (trigger) return (await pushMatches(trigger, { ref: change.ref, files })) ? { triggerType: 'WebhookV2', ...connection } : undefined;
  if ((config.DetectChanges ?? 'true').toLowerCase() === 'false') return undefined;
  if (change.ref !== branchRef(sub.branch)) return undefined;
  return { triggerType: isV2(sub.declaration) ? 'WebhookV2' : 'Webhook', ...connection };
}

/** Whether a push to `ref` concerns the subscription (its branch, or a V2 push filter's branches or tags). */
export function watchesRef(sub: GitSubscription, ref: string): boolean {
  if (sub.provider === 'CodeCommit') return ref === branchRef(sub.branch);
  const trigger = triggerFor(sub.declaration, sub.action.name!);
  if (trigger) return pushWatches(trigger, ref);
  if ((sub.action.configuration?.DetectChanges ?? 'true').toLowerCase() === 'false') return false;
  return ref === branchRef(sub.branch);
}

function sourceKey(provider: GitProvider, declaration: PipelineDeclaration, action: ActionDeclaration): string {
  const c = action.configuration ?? {};
  const repository = provider === 'CodeCommit' ? c.RepositoryName : c.FullRepositoryId;
  const trigger = provider === 'CodeCommit' ? undefined : triggerFor(declaration, action.name!);
  const detects = provider === 'CodeCommit' || (c.DetectChanges ?? 'true').toLowerCase() !== 'false';
  return JSON.stringify([provider, repository ?? '', c.BranchName ?? '', detects, trigger?.gitConfiguration?.push ?? null]);
}

export class TriggerService {
  private readonly folders: FolderWatches;
  private readonly watchers = new Map<string, RepoWatcher>();
  private readonly perPipeline = new Map<string, { git: GitSubscription[]; s3: S3Subscription[] }>();
  private gitSubs = new Map<string, GitSubscription[]>();
  /** S3 subscriptions by pipeline (only pipelines that have some): a pipeline change updates its own entry. */
  private readonly s3Subs = new Map<string, S3Subscription[]>();
  private s3Store: SourceObjectStore | undefined;
  private s3Unsubscribe: (() => void) | undefined;
  private readonly restore: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per repository: the tail of its chain of ref changes and catch-ups (handled one at a time). */
  private readonly queues = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly objects: SourceObjectStore,
  ) {
    this.folders = new FolderWatches(engine.log);
  }

  start(): this {
    this.hookPipelineChanges();
    this.rescan();
    return this;
  }

  stop() {
    this.stopped = true;
    for (const undo of this.restore.splice(0)) undo();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.folders.close();
    this.s3Unsubscribe?.();
    this.s3Unsubscribe = undefined;
  }

  /** CreatePipeline, UpdatePipeline and DeletePipeline tell the engine which pipeline changed. */
  private hookPipelineChanges() {
    const listener = (scope: Scope, name: string, declaration?: PipelineDeclaration | null) => this.pipelineChanged(scope, name, declaration);
    this.engine.pipelineListeners.add(listener);
    this.restore.push(() => this.engine.pipelineListeners.delete(listener));
  }

  /** Rebuilds every pipeline's subscriptions from the store (at start). */
  rescan() {
    if (this.stopped) return;
    this.perPipeline.clear();
    for (const p of allPipelines(this.engine)) this.perPipeline.set(pipelineKey(p, p.name), this.subscriptionsOf(p));
    for (const subs of this.perPipeline.values()) this.baselineMissing(subs.git);
    this.reconcile();
    for (const subs of this.perPipeline.values()) this.catchUp(subs, 'catch-up');
  }

  /**
   * One pipeline was created, updated or deleted (`declaration`: what is stored now, null when deleted,
   * undefined when the caller did not say): only its subscriptions are recomputed, and the indexes
   * are rebuilt only when git sources are involved (cost per change independent of the pipeline count).
   */
  private pipelineChanged(scope: Scope, name: string, declaration?: PipelineDeclaration | null) {
    if (this.stopped) return;
    const stored = declaration === undefined ? this.engine.store.pipelines.get(scope, name)?.declaration : (declaration ?? undefined);
    const subs = stored ? this.subscriptionsOf({ ...scope, name, declaration: stored }) : undefined;
    const key = pipelineKey(scope, name);
    const before = this.perPipeline.get(key);
    if (subs) this.perPipeline.set(key, subs);
    else this.perPipeline.delete(key);
    if (subs) this.baselineMissing(subs.git);
    // null: DeletePipeline, whose transaction forgot the heads already.
    else if (declaration === undefined) this.forget(scope, name);
    if (subs?.s3.length) this.s3Subs.set(key, subs.s3);
    else this.s3Subs.delete(key);
    if (before?.git.length || subs?.git.length) this.reconcileGit();
    this.subscribeS3();
    // CreatePipeline's own execution reads the head itself: catch-up sees it as pending.
    // A head found new now was pushed while the emulator runs: it reads as a push.
    if (subs) this.catchUp(subs, 'push');
  }

  private subscriptionsOf(p: StoredPipeline): { git: GitSubscription[]; s3: S3Subscription[] } {
    const git: GitSubscription[] = [];
    const s3: S3Subscription[] = [];
    for (const action of sourceActions(p.declaration)) {
      const scope = { account: p.account, region: p.region };
      const provider = action.actionTypeId!.provider;
      const config = action.configuration ?? {};
      const change: SourceChange =
        provider === 'S3'
          ? { source: 'aws.s3', bucket: config.S3Bucket ?? '', key: config.S3ObjectKey ?? '' }
          : { source: 'aws.codecommit', repositoryArn: `arn:aws:codecommit:${p.region}:${p.account}:${config.RepositoryName}`, branch: config.BranchName ?? '' };
      const eventRule = () => matchingRule(this.engine.store.simulated, scope, p.name, change);
      const base = { scope, pipeline: p.name, declaration: p.declaration, action, eventRule };
      if (provider === 'CodeCommit' || provider === 'CodeStarSourceConnection') {
        let repoPath: string;
        try {
          repoPath = gitSourceConfig(this.engine, provider, config).repositoryPath;
        } catch {
          continue;
        }
        git.push({ ...base, provider, branch: config.BranchName ?? '', repoPath, source: sourceKey(provider, p.declaration, action) });
      } else if (provider === 'S3' && config.S3Bucket && config.S3ObjectKey) {
        s3.push({ ...base, bucket: config.S3Bucket, key: config.S3ObjectKey });
      }
    }
    return { git, s3 };
  }

  /** Indexes the subscriptions by repository and starts/stops watchers to match. */
  private reconcile() {
    this.s3Subs.clear();
    for (const [key, subs] of this.perPipeline) if (subs.s3.length) this.s3Subs.set(key, subs.s3);
    this.reconcileGit();
    this.subscribeS3();
  }

  /** Git subscriptions by repository, and the watchers to match. */
  private reconcileGit() {
    const git = new Map<string, GitSubscription[]>();
    for (const subs of this.perPipeline.values()) for (const sub of subs.git) git.set(sub.repoPath, [...(git.get(sub.repoPath) ?? []), sub]);
    this.gitSubs = git;
    for (const [repoPath, w] of this.watchers)
      if (!git.has(repoPath)) {
        w.close();
        this.watchers.delete(repoPath);
      }
    for (const repoPath of git.keys())
      if (!this.watchers.has(repoPath)) this.watchers.set(repoPath, new RepoWatcher(repoPath, (r, c) => void this.enqueue(r, () => this.onRefsMoved(r, c)), this.engine.log, this.folders));
  }

  private subscribeS3() {
    const store = this.s3Subs.size ? this.objects : undefined;
    if (store === this.s3Store) return;
    this.s3Unsubscribe?.();
    this.s3Unsubscribe = store?.onObjectCreated((e) => this.onObjectCreated(e));
    this.s3Store = store;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Runs `work` after everything queued for the repository before it. */
  private enqueue(repoPath: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(repoPath) ?? Promise.resolve()).then(work).catch((e) => this.engine.log.error(`trigger: handling ${repoPath} failed`, e));
    this.queues.set(repoPath, next);
    void next.finally(() => {
      if (this.queues.get(repoPath) === next) this.queues.delete(repoPath);
    });
    return this.track(next);
  }

  /** Whether a subscription is still the current one of its pipeline (not replaced by an update since). */
  private isCurrent(sub: Subscription): boolean {
    const subs = this.perPipeline.get(pipelineKey(sub.scope, sub.pipeline));
    return !!subs && ((subs.git as Subscription[]).includes(sub) || (subs.s3 as Subscription[]).includes(sub));
  }

  /** Catches the subscriptions up with their sources' current heads (see the header). */
  private catchUp(subs: { git: GitSubscription[]; s3: S3Subscription[] }, detectedBy: 'push' | 'catch-up') {
    const byRepo = new Map<string, GitSubscription[]>();
    for (const sub of subs.git) byRepo.set(sub.repoPath, [...(byRepo.get(sub.repoPath) ?? []), sub]);
    for (const [repoPath, list] of byRepo) {
      const w = this.watchers.get(repoPath);
      if (!w) continue;
      this.track(
        w.ready.then(() => {
          // The snapshot and the queue position are taken together: every ref move up to the snapshot
          // is handled before this catch-up, every later one after it.
          const refs = this.stopped ? undefined : w.snapshot();
          if (refs) return this.enqueue(repoPath, () => this.catchUpGit(list, refs, detectedBy));
        }),
      );
    }
    for (const sub of subs.s3) this.catchUpS3(sub, detectedBy);
  }

  /**
   * A source whose repository is missing when it is first watched has seen nothing: decided here,
   * synchronously with CreatePipeline/UpdatePipeline (a file-system check), so a repository created
   * and committed to right after is new however fast that happens.
   */
  private baselineMissing(subs: GitSubscription[]) {
    const heads = this.engine.store.sourceHeads;
    for (const sub of subs)
      try {
        if (!heads.seen(sub.scope, sub.pipeline, sub.action.name!, sub.source).baseline && !looksLikeRepository(sub.repoPath))
          heads.takeBaseline(sub.scope, sub.pipeline, sub.action.name!, sub.source);
      } catch (e) {
        this.engine.log.error(`trigger: ${sub.pipeline} could not take a baseline of ${sub.repoPath}`, e);
      }
  }

  private forget(scope: Scope, name: string) {
    try {
      this.engine.store.sourceHeads.forget(scope, name);
    } catch (e) {
      this.engine.log.error(`trigger: could not forget the heads ${name} saw`, e);
    }
  }

  private async catchUpGit(subs: GitSubscription[], refs: ReadonlyMap<string, string>, detectedBy: 'push' | 'catch-up') {
    for (const sub of subs) {
      if (this.stopped) return;
      if (!this.isCurrent(sub)) continue;
      try {
        const seen = this.engine.store.sourceHeads.seen(sub.scope, sub.pipeline, sub.action.name!, sub.source);
        if (!seen.baseline) {
          await this.takeBaseline(sub, refs, detectedBy);
          continue;
        }
        for (const [ref, head] of refs) {
          if (this.stopped) return;
          if (!watchesRef(sub, ref) || seen.heads.get(ref) === head) continue;
          await this.push(sub, { ref, from: seen.heads.get(ref), to: head }, detectedBy);
        }
      } catch (e) {
        this.engine.log.error(`trigger: ${sub.pipeline} could not catch up with ${sub.repoPath}`, e);
      }
    }
  }

  /**
   * The first look at an existing repository for this source: every watched head is taken as seen,
   * except that the action's own branch starts one execution when its head is not the revision the
   * pipeline last produced (the rule from before seen heads were kept: a pipeline upgraded, or its
   * source changed by UpdatePipeline).
   */
  private async takeBaseline(sub: GitSubscription, refs: ReadonlyMap<string, string>, detectedBy: 'push' | 'catch-up') {
    const heads = this.engine.store.sourceHeads;
    const watched = [...refs].filter(([ref]) => watchesRef(sub, ref));
    const ref = branchRef(sub.branch);
    const head = refs.get(ref);
    const last = head ? lastSourceRevision(this.engine, sub.scope, sub.pipeline, sub.action) : undefined;
    const baseline = () => heads.takeBaseline(sub.scope, sub.pipeline, sub.action.name!, sub.source, watched);
    if (!head || !last || last.kind === 'pending' || (last.kind === 'revision' && sameCommit(last.value, head))) return baseline();
    // A V2 trigger's executions come from any ref and from pull requests: a head built before is not new.
    if (sub.provider !== 'CodeCommit' && triggerFor(sub.declaration, sub.action.name!) && this.seenBefore(sub, head)) return baseline();
    const from = last.kind === 'revision' && isCommitId(last.value) ? last.value : undefined;
    let files: Promise<string[]> | undefined;
    const trigger = await gitTrigger(sub, { ref, from, to: head }, () => (files ??= changedFiles(sub.repoPath, from, head).catch(() => [])));
    if (this.stopped || !this.isCurrent(sub)) return;
    this.engine.store.tx(() => {
      if (heads.seen(sub.scope, sub.pipeline, sub.action.name!, sub.source).baseline) return;
      baseline();
      // Nothing started it in the meantime (read again, with no await before the start).
      const now = lastSourceRevision(this.engine, sub.scope, sub.pipeline, sub.action);
      if (!trigger || now?.kind !== last.kind || now.executionId !== last.executionId) return;
      const pin: TriggerPin = { actionName: sub.action.name!, revisionType: 'COMMIT_ID', revisionValue: head, ref, detectedBy };
      const id = startFromTrigger(this.engine, sub.scope, sub.pipeline, trigger, [pin]);
      if (id) this.engine.log.info(`trigger: ${sub.pipeline} caught up with ${ref} at ${head} (last revision ${last.kind === 'revision' ? last.value : 'none'})`);
    });
  }

  /**
   * A watched ref moved to a head this source has not seen: starts the pipeline when the trigger
   * matches, and records the head as seen (in the start's transaction), matched or not.
   */
  private async push(sub: GitSubscription, change: RefChange, detectedBy: 'push' | 'catch-up') {
    const heads = this.engine.store.sourceHeads;
    const key = [sub.scope, sub.pipeline, sub.action.name!, sub.source] as const;
    let files: Promise<string[]> | undefined;
    const changed = () => (files ??= changedFiles(sub.repoPath, change.from, change.to).catch(() => []));
    const trigger = await gitTrigger(sub, change, changed);
    if (this.stopped || !this.isCurrent(sub)) return;
    this.engine.store.tx(() => {
      // Seen in the meantime (read again, with no await before the start).
      if (heads.head(...key, change.ref) === change.to) return;
      const record = () => heads.record(...key, change.ref, change.to);
      if (!trigger) return record();
      const pin: TriggerPin = { actionName: sub.action.name!, revisionType: 'COMMIT_ID', revisionValue: change.to, ref: change.ref, detectedBy };
      const id = startFromTrigger(this.engine, sub.scope, sub.pipeline, trigger, [pin], record);
      if (id && detectedBy === 'catch-up')
        this.engine.log.info(`trigger: ${sub.pipeline} caught up with ${change.ref} at ${change.to} (last seen ${change.from ?? 'nothing'})`);
    });
  }

  private seenBefore(sub: Subscription, head: string): boolean {
    for (const entry of sourceHistory(this.engine, sub.scope, sub.pipeline, sub.action))
      if (entry.kind === 'revision' && sameCommit(entry.value, head)) return true;
    return false;
  }

  /** S3: the latest version of the key, read synchronously from the local store (no race with its object-created events). */
  private catchUpS3(sub: S3Subscription, detectedBy: 'push' | 'catch-up') {
    if (this.stopped) return;
    const objects = this.engine.objects;
    try {
      const bucket = objects.getBucket(sub.bucket);
      if (!bucket || bucket.account !== sub.scope.account) return;
      const latest = objects.getVersion(sub.bucket, sub.key);
      if (!latest || latest.deleteMarker) return;
      const last = lastSourceRevision(this.engine, sub.scope, sub.pipeline, sub.action);
      if (last?.kind !== 'revision' || last.value === latest.versionId) return;
      const pin: TriggerPin = { actionName: sub.action.name!, revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: latest.versionId, detectedBy };
      const id = startFromTrigger(this.engine, sub.scope, sub.pipeline, eventTrigger(sub), [pin]);
      if (id) this.engine.log.info(`trigger: ${sub.pipeline} caught up with s3://${sub.bucket}/${sub.key} at version ${latest.versionId} (last revision ${last.value})`);
    } catch (e) {
      this.engine.log.error(`trigger: ${sub.pipeline} could not catch up with s3://${sub.bucket}/${sub.key}`, e);
    }
  }

  private async onRefsMoved(repoPath: string, changes: RefChange[]) {
    const heads = this.engine.store.sourceHeads;
    for (const change of changes) {
      for (const sub of this.gitSubs.get(repoPath) ?? []) {
        if (this.stopped) return;
        if (!watchesRef(sub, change.ref)) continue;
        try {
          const seen = heads.head(sub.scope, sub.pipeline, sub.action.name!, sub.source, change.ref);
          if (seen === change.to) continue;
          await this.push(sub, { ...change, from: seen ?? change.from }, 'push');
        } catch (e) {
          this.engine.log.error(`trigger: ${sub.pipeline} could not start for ${change.ref}`, e);
        }
      }
    }
  }

  private onObjectCreated(e: ObjectCreatedEvent) {
    if (this.stopped) return;
    for (const sub of [...this.s3Subs.values()].flat()) {
      if (sub.scope.account !== e.account || sub.bucket !== e.bucket || sub.key !== e.key) continue;
      const pin: TriggerPin[] = e.versionId
        ? [{ actionName: sub.action.name!, revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: e.versionId, detectedBy: 'push' }]
        : [];
      try {
        startFromTrigger(this.engine, sub.scope, sub.pipeline, eventTrigger(sub), pin);
      } catch (err) {
        this.engine.log.error(`trigger: ${sub.pipeline} could not start for s3://${e.bucket}/${e.key}`, err);
      }
    }
  }

  /** Waits until pending ref reads and the executions they start are done (for tests). */
  async settled(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await Promise.all([...this.watchers.values()].map((w) => w.idle()));
      if (!this.inFlight.size) return;
      await Promise.all([...this.inFlight]);
    }
  }

  /** Re-reads every watched repository's refs now (not waiting for file events), then settles. */
  async sync(): Promise<void> {
    await this.settled();
    await Promise.all([...this.watchers.values()].map(async (w) => {
      await w.ready;
      await w.refresh();
    }));
    await this.settled();
  }

  /** The folders watched for repositories that do not exist yet, with their waiter counts (for tests and diagnostics). */
  waitingFolders(): Map<string, number> {
    return this.folders.watched();
  }

  /** The repositories being watched (for tests and diagnostics). */
  watchedRepositories(): string[] {
    return [...this.watchers.keys()];
  }
}

/**
 * Change detection as the emulator runs it: start() creates one, starts it after the engine resumes and
 * stops it with the emulator; a state replacement (reset, restore) stops it and starts a fresh service.
 */
export class ChangeDetection {
  private current: TriggerService | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly objects: SourceObjectStore,
  ) {}

  /** The running service, if any (for tests and diagnostics). */
  get service(): TriggerService | undefined {
    return this.current;
  }

  /** Starts change detection for the engine's pipelines (stopping a running one first). */
  start(): TriggerService {
    this.stop();
    this.current = new TriggerService(this.engine, this.objects).start();
    return this.current;
  }

  stop() {
    this.current?.stop();
    this.current = undefined;
  }
}
