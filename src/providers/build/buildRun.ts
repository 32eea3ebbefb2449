// Runs a build's phases in one local shell session, as CodeBuild does: install, pre_build, build,
// post_build, each with commands then finally; on-failure ABORT ends the build after a failed
// install or pre_build (a failed build still runs post_build), CONTINUE goes on to the next phase
// (the build still fails). A timeout or a stop kills the shell's whole process tree.
import type { ActionLog } from '../../logs/actionLogs.js';
import type { Phase } from './buildspec.js';
import { ShellSession } from './shellSession.js';

export interface BuildPlan {
  shell: string;
  cwd: string;
  env: Record<string, string>;
  phases: Phase[];
  exportedVariables: string[];
  timeoutMinutes: number;
  log: ActionLog;
  /** Told when a phase starts and how it ends (the build's record: BatchGetBuilds' phases). */
  onPhase?: (phase: string, state: 'START' | 'SUCCEEDED' | 'FAILED', context?: { code: string; message: string }) => void;
}

/** Where and why a build failed, in CodeBuild's terms (phase context). */
export interface PhaseFailure {
  phase: string;
  code: string;
  message: string;
}

export interface BuildOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED';
  failure?: PhaseFailure;
  exported: Record<string, string>;
}

/** Builds in flight in this process: killed if the process exits before they end. */
const live = new Set<BuildRun>();
let exitHook = false;

export class BuildRun {
  private session: ShellSession | undefined;
  private halt: 'TIMED_OUT' | 'STOPPED' | undefined;
  private currentPhase = 'INSTALL';

  constructor(private readonly plan: BuildPlan) {}

  /** Abandon: kill everything the build started. */
  stop() {
    this.halt ??= 'STOPPED';
    this.session?.kill();
  }

  async execute(): Promise<BuildOutcome> {
    const { plan } = this;
    live.add(this);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => live.forEach((b) => b.session?.kill()));
    }
    const timer = setTimeout(() => {
      this.halt ??= 'TIMED_OUT';
      this.session?.kill();
    }, plan.timeoutMinutes * 60_000);
    let failure: PhaseFailure | undefined;
    let exported: Record<string, string> = {};
    try {
      let skipTo: number | undefined;
      for (let i = 0; i < plan.phases.length && !this.halt; i++) {
        if (skipTo !== undefined && i < skipTo) continue;
        const phase = plan.phases[i];
        const name = phase.name.toUpperCase();
        this.currentPhase = name;
        plan.log.container(`Entering phase ${name}`);
        plan.onPhase?.(name, 'START');
        let error = await this.runCommands(phase.commands);
        // finally runs whenever the phase's commands ran, even when one of them failed.
        if (phase.finally.length && !this.halt) error = (await this.runCommands(phase.finally)) ?? error;
        if (this.halt) break;
        plan.log.container(`Phase complete: ${name} State: ${error ? 'FAILED' : 'SUCCEEDED'}`);
        plan.log.container(`Phase context status code: ${error ? 'COMMAND_EXECUTION_ERROR' : ''} Message: ${error ?? ''}`);
        plan.onPhase?.(name, error ? 'FAILED' : 'SUCCEEDED', error ? { code: 'COMMAND_EXECUTION_ERROR', message: error } : undefined);
        if (!error) continue;
        failure ??= { phase: name, code: 'COMMAND_EXECUTION_ERROR', message: error };
        if (this.session?.alive) await this.session.capture('export CODEBUILD_BUILD_SUCCEEDING=0');
        plan.env.CODEBUILD_BUILD_SUCCEEDING = '0';
        if (phase.onFailure === 'CONTINUE') continue;
        // ABORT: after install or pre_build the build ends; after build, post_build still runs.
        const post = plan.phases.findIndex((p) => p.name === 'post_build');
        skipTo = phase.name === 'build' && post > i ? post : plan.phases.length;
      }
      if (!this.halt) exported = await this.readExported();
    } finally {
      clearTimeout(timer);
      this.session?.kill();
      live.delete(this);
    }
    if (this.halt === 'TIMED_OUT') {
      plan.log.container(`Phase complete: ${this.currentPhase} State: TIMED_OUT`);
      plan.log.container('Phase context status code: BUILD_TIMED_OUT Message: Build has timed out.');
      return { status: 'TIMED_OUT', failure: { phase: this.currentPhase, code: 'BUILD_TIMED_OUT', message: 'Build has timed out.' }, exported };
    }
    if (this.halt === 'STOPPED') {
      plan.log.container(`Phase complete: ${this.currentPhase} State: STOPPED`);
      return { status: 'STOPPED', exported };
    }
    return failure ? { status: 'FAILED', failure, exported } : { status: 'SUCCEEDED', exported };
  }

  /** Runs commands in order until one fails; answers CodeBuild's error message for the failure. */
  private async runCommands(commands: string[]): Promise<string | undefined> {
    for (const command of commands) {
      if (this.halt) return undefined;
      const session = this.shell();
      this.plan.log.container(`Running command ${command}`);
      const { exitCode } = await session.run(command);
      if (this.halt) return undefined;
      if (exitCode === 0) continue;
      const reason = exitCode === undefined ? 'signal: killed' : `exit status ${exitCode}`;
      this.plan.log.container(`Command did not exit successfully ${command} ${reason}`);
      return `Error while executing command: ${command}. Reason: ${reason}`;
    }
    return undefined;
  }

  /** The running session, or a new one when a command ended the previous shell (`exit`). */
  private shell(): ShellSession {
    if (this.session?.alive) return this.session;
    const { plan } = this;
    this.session = new ShellSession(plan.shell, plan.cwd, plan.env, (t) => plan.log.write(t));
    return this.session;
  }

  /** The exported variables' values at the end of the build (unset ones export as empty strings). */
  private async readExported(): Promise<Record<string, string>> {
    const names = this.plan.exportedVariables;
    if (!names.length) return {};
    const out: Record<string, string> = Object.fromEntries(names.map((n) => [n, this.plan.env[n] ?? '']));
    if (!this.session?.alive) return out;
    // Names were checked against VARIABLE_NAME, so they are safe to splice into the script.
    const script = names.map((n) => `if [ -n "\${${n}+x}" ]; then printf '%s=%s\\000' ${n} "\$${n}"; fi`).join('\n');
    const { output } = await this.session.capture(script);
    for (const entry of output.split('\u0000')) {
      const eq = entry.indexOf('=');
      if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return out;
  }
}
