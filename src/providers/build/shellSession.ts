// One shell session for a whole build, as CodeBuild runs buildspec 0.2: every command is written to
// the same shell, so `cd`, exported and plain variables carry over between commands and phases.
// After each command the shell prints a marker with a per-session nonce and the exit status; what
// came before the marker is that command's exact output (stderr is merged into stdout in order).
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { killTree, spawnGroup } from '../../util/processTree.js';

/** The shell variable each command is read into before bash evaluates it. */
const COMMAND_VARIABLE = '__codepipeline_local_command';

export interface CommandResult {
  /** The exit status; undefined when the session was killed. */
  exitCode: number | undefined;
  output: string;
}

interface Pending {
  capture: boolean;
  output: string;
  resolve: (r: CommandResult) => void;
}

export class ShellSession {
  private readonly child: ChildProcess;
  private readonly marker: string;
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private pending: Pending | undefined;
  private ended = false;
  /** The shell's exit code once it ended (null when killed by a signal). */
  exitCode: number | null | undefined;

  constructor(
    private readonly shell: string,
    cwd: string,
    env: Record<string, string>,
    private readonly onOutput: (text: string) => void,
  ) {
    this.marker = `\u0001CPL${randomBytes(8).toString('hex')}:`;
    this.child = spawnGroup(shell, [], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.receive(this.decoder.write(d)));
    // Before `exec 2>&1` takes effect only the shell itself can write here.
    this.child.stderr!.on('data', (d: Buffer) => this.onOutput(d.toString('utf8')));
    this.child.stdin!.on('error', () => {});
    this.child.on('error', (e) => this.finish(null, `${e.message}\n`));
    this.child.on('close', (code) => this.finish(code));
    this.child.stdin!.write('exec 2>&1\n');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Runs one buildspec command; its output goes to the log as it comes. */
  run(command: string): Promise<CommandResult> {
    return this.send(command, false);
  }

  /** Runs a command of the emulator's own (reading variables...); its output is returned, not logged. */
  capture(command: string): Promise<CommandResult> {
    return this.send(command, true);
  }

  /** Kills the shell and every process the build started. */
  kill() {
    if (this.child.pid !== undefined) killTree(this.child.pid);
  }

  private send(command: string, capture: boolean): Promise<CommandResult> {
    if (this.ended) return Promise.resolve({ exitCode: undefined, output: '' });
    // A command that does not parse would swallow the marker (an open quote reads on). bash reads it
    // as quoted text (a here-document ended by a per-session line no command contains) and evaluates
    // it: a syntax error is then the command's own failure (status 2), with no process started for a
    // check. sh has no `read -d`: its commands are checked by a separate `sh -n` first.
    let script: string;
    if (this.shell === 'bash') {
      const end = `CPL_END_${this.marker.slice(4, -1)}`;
      // `|| true`: read answers 1 at the end of its input, which must not end a shell running under set -e.
      script = `IFS= read -r -d '' ${COMMAND_VARIABLE} <<'${end}' || true\n${command}\n${end}\n{ eval "$${COMMAND_VARIABLE}"\n} </dev/null\n`;
    } else {
      const check = spawnSync(this.shell, ['-n', '-c', command], { encoding: 'utf8', timeout: 10_000 });
      if (check.status !== 0) {
        const output = `${check.stderr || check.error?.message || 'syntax error'}`.replace(/\n?$/, '\n');
        if (!capture) this.onOutput(output);
        return Promise.resolve({ exitCode: check.status ?? 2, output });
      }
      // The braces keep the command in this shell (cd, export persist); stdin is not the command stream.
      script = `{ ${command}\n} </dev/null\n`;
    }
    return new Promise((resolve) => {
      this.pending = { capture, output: '', resolve };
      this.child.stdin!.write(`${script}printf '${this.marker.replace('\u0001', '\\001')}%s\\001' "$?"\n`);
    });
  }

  private receive(text: string) {
    this.buffer += text;
    for (;;) {
      const at = this.buffer.indexOf(this.marker);
      if (at < 0) break;
      const end = this.buffer.indexOf('\u0001', at + this.marker.length);
      if (end < 0) break;
      this.emit(this.buffer.slice(0, at));
      const code = Number(this.buffer.slice(at + this.marker.length, end));
      this.buffer = this.buffer.slice(end + 1);
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ exitCode: code, output: p.output });
    }
    // Hold back only what could be the start of a marker split across chunks.
    const hold = this.buffer.lastIndexOf('\u0001');
    const keep = hold >= 0 && this.marker.startsWith(this.buffer.slice(hold, hold + this.marker.length)) ? hold : this.buffer.length;
    this.emit(this.buffer.slice(0, keep));
    this.buffer = this.buffer.slice(keep);
  }

  private emit(text: string) {
    if (!text) return;
    if (this.pending?.capture) this.pending.output += text;
    else this.onOutput(text);
  }

  private finish(code: number | null, message?: string) {
    if (this.ended) return;
    this.ended = true;
    this.exitCode = code;
    this.emit(this.buffer + this.decoder.end());
    this.buffer = '';
    if (message) this.onOutput(message);
    const p = this.pending;
    this.pending = undefined;
    // A command that ran `exit N` ended the shell: N is its status.
    p?.resolve({ exitCode: code ?? undefined, output: p.output });
  }
}
