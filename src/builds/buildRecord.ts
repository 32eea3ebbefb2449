// A build as BatchGetBuilds shows it, written to the store as it runs: SUBMITTED, QUEUED and
// PROVISIONING (instant here), DOWNLOAD_SOURCE, the buildspec's phases, UPLOAD_ARTIFACTS, FINALIZING,
// COMPLETED, each with its status, times, duration and context. Builds of the CodeBuild API's
// StartBuild and of pipelines' CodeBuild actions are recorded alike. Timestamps are stored as epoch
// milliseconds; buildView() answers them as dates.
import type { Build, BuildPhase, EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { logUrlFor } from '../logs/actionLogs.js';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import type { Clock } from '../util/clock.js';

type StoredPhase = Omit<BuildPhase, 'startTime' | 'endTime'> & { startTime: number; endTime?: number };

export type StoredBuild = Omit<Build, 'startTime' | 'endTime' | 'phases'> & {
  id: string;
  arn: string;
  projectName: string;
  startTime: number;
  endTime?: number;
  phases: StoredPhase[];
  /** Whose log the build writes (the action execution id of a pipeline build, the build's own uuid otherwise). */
  logId: string;
};

export type BuildStatus = 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'IN_PROGRESS' | 'STOPPED';

export interface PhaseContext {
  code: string;
  message: string;
}

/** What a new build is, apart from what the recorder fills in. */
export type NewBuild = Omit<StoredBuild, 'arn' | 'startTime' | 'phases' | 'buildStatus' | 'buildComplete' | 'currentPhase'>;

export const buildArn = (scope: Scope, id: string) => `arn:aws:codebuild:${scope.region}:${scope.account}:build/${id}`;

/** The uuid part of a build id (project:uuid). */
export const buildUuid = (id: string) => id.slice(id.lastIndexOf(':') + 1);

/** Variables as a build shows them: a PARAMETER_STORE or SECRETS_MANAGER variable shows its reference, never its value. */
export const shownVariables = (vars: { name: string; value: string; type: string }[]): EnvironmentVariable[] =>
  vars.map((v) => ({ name: v.name, value: v.value, type: v.type as EnvironmentVariable['type'] }));

/** A build's logs: CloudWatch Logs' names as CodeBuild gives them, and the deep link to the emulator's own log page. */
export const buildLogs = (project: string, buildId: string, deepLink: string): NonNullable<Build['logs']> => ({
  groupName: `/aws/codebuild/${project}`,
  streamName: buildUuid(buildId),
  deepLink,
  cloudWatchLogs: { status: 'ENABLED' },
  s3Logs: { status: 'DISABLED', encryptionDisabled: false },
});

/** Who waits for a build to end (StopBuild answers once the stopped build is recorded STOPPED). */
const waiters = new Map<string, (() => void)[]>();

/** Resolves when the build ends in this process, or after `ms` (whichever comes first). */
export function buildEnded(id: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const list = waiters.get(id) ?? [];
    list.push(() => {
      clearTimeout(timer);
      resolve();
    });
    waiters.set(id, list);
  });
}

/** The recorders of builds still running, per store: a state replacement detaches them all. */
const live = new WeakMap<Store, Set<BuildRecorder>>();

function track(store: Store, r: BuildRecorder) {
  let set = live.get(store);
  if (!set) {
    const fresh = new Set<BuildRecorder>();
    live.set(store, fresh);
    // Reset or restore: the build's row is gone (or another's): whatever the run still reports is not written.
    store.onReplace((phase) => {
      if (phase !== 'before') return;
      for (const rec of fresh) rec.detach();
      fresh.clear();
    });
    set = fresh;
  }
  set.add(r);
}

export class BuildRecorder {
  private detached = false;

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly scope: Scope,
    private build: StoredBuild,
  ) {}

  /** Records a new build, IN_PROGRESS in DOWNLOAD_SOURCE. */
  static begin(store: Store, clock: Clock, scope: Scope, init: NewBuild): BuildRecorder {
    const now = clock.now();
    const instant = (phaseType: BuildPhase['phaseType']): StoredPhase => ({
      phaseType,
      phaseStatus: 'SUCCEEDED',
      startTime: now,
      endTime: now,
      durationInSeconds: 0,
      ...(phaseType !== 'SUBMITTED' && { contexts: [{ statusCode: '', message: '' }] }),
    });
    const build: StoredBuild = {
      ...init,
      arn: buildArn(scope, init.id),
      startTime: now,
      currentPhase: 'DOWNLOAD_SOURCE',
      buildStatus: 'IN_PROGRESS',
      buildComplete: false,
      phases: [instant('SUBMITTED'), instant('QUEUED'), instant('PROVISIONING'), { phaseType: 'DOWNLOAD_SOURCE', startTime: now }],
    };
    const r = new BuildRecorder(store, clock, scope, build);
    r.save();
    track(store, r);
    return r;
  }

  get id() {
    return this.build.id;
  }

  /** The state was replaced: nothing more is written for this build. */
  detach() {
    this.detached = true;
  }

  get current(): StoredBuild {
    return this.build;
  }

  /** Changes what the build shows (environment, source version...). */
  update(change: Partial<StoredBuild>) {
    this.build = { ...this.build, ...change };
    this.save();
  }

  /** Enters a phase; the one still open ends as SUCCEEDED. */
  enter(phaseType: string) {
    const now = this.clock.now();
    this.closeOpen('SUCCEEDED', undefined, now);
    this.build.phases.push({ phaseType: phaseType as BuildPhase['phaseType'], startTime: now });
    this.build.currentPhase = phaseType;
    this.save();
  }

  /** Ends the open phase (entering `phaseType` first when another one is open or none is). */
  end(phaseType: string, status: BuildStatus, context?: PhaseContext) {
    const open = this.openPhase();
    if (open?.phaseType !== phaseType) this.enter(phaseType);
    this.closeOpen(status, context, this.clock.now());
    this.save();
  }

  /** The build is over: FINALIZING and COMPLETED follow, as on CodeBuild. */
  finish(status: Exclude<BuildStatus, 'IN_PROGRESS'>, exported: Record<string, string> = {}, context?: PhaseContext) {
    if (this.build.buildComplete) return;
    const now = this.clock.now();
    this.closeOpen(status === 'SUCCEEDED' ? 'SUCCEEDED' : status, context, now);
    this.build.phases.push(
      { phaseType: 'FINALIZING', phaseStatus: 'SUCCEEDED', startTime: now, endTime: now, durationInSeconds: 0, contexts: [{ statusCode: '', message: '' }] },
      { phaseType: 'COMPLETED', startTime: now },
    );
    const names = Object.keys(exported);
    this.build = {
      ...this.build,
      currentPhase: 'COMPLETED',
      buildStatus: status,
      buildComplete: true,
      endTime: now,
      ...(names.length && { exportedEnvironmentVariables: names.map((name) => ({ name, value: exported[name] })) }),
    };
    this.save();
    live.get(this.store)?.delete(this);
    const list = waiters.get(this.build.id);
    waiters.delete(this.build.id);
    list?.forEach((w) => w());
  }

  /**
   * Builds a previous process left IN_PROGRESS (it stopped or died while they ran): no process runs
   * them any more, so they end as FAULT, their open phase with a context saying why.
   */
  static endInterrupted(store: Store, clock: Clock) {
    for (const { scope, build } of store.builds.unfinished<StoredBuild>())
      new BuildRecorder(store, clock, scope, build).finish('FAULT', {}, { code: 'CLIENT_ERROR', message: 'codepipeline-local stopped while the build ran' });
  }

  private openPhase(): StoredPhase | undefined {
    const last = this.build.phases[this.build.phases.length - 1];
    return last && last.endTime === undefined && last.phaseType !== 'COMPLETED' ? last : undefined;
  }

  private closeOpen(status: BuildStatus, context: PhaseContext | undefined, now: number) {
    const open = this.openPhase();
    if (!open) return;
    open.phaseStatus = status;
    open.endTime = now;
    open.durationInSeconds = Math.round((now - open.startTime) / 1000);
    open.contexts = [{ statusCode: context?.code ?? '', message: context?.message ?? '' }];
  }

  private save() {
    // The emulator stopped (its store closed) while the build ended: the next start ends it as FAULT.
    if (this.detached || !this.store.db.open) return;
    this.store.tx(() => this.store.builds.putBuild(this.scope, this.build.id, this.build.projectName, this.build.startTime, this.build.logId, this.build));
  }
}

/** The build as the API answers it: dates, and the log link as seen from this request. */
export function buildView(b: StoredBuild, baseUrl: string, sign?: (url: string) => string): Build {
  const { logId: _logId, startTime, endTime, ...rest } = b;
  return {
    ...rest,
    startTime: new Date(startTime),
    ...(endTime !== undefined && { endTime: new Date(endTime) }),
    phases: b.phases.map(({ startTime, endTime, ...p }) => ({ ...p, startTime: new Date(startTime), ...(endTime !== undefined && { endTime: new Date(endTime) }) })),
    ...(b.logs && { logs: { ...b.logs, deepLink: logUrlFor(b.logs.deepLink, baseUrl, sign) } }),
  };
}
