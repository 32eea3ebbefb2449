// One shell session per build: commands share the shell's state, a command that does not parse fails
// alone, and the session survives what a buildspec may do to its shell (set -e).
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ShellSession } from './shellSession.js';

const sessions: ShellSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));

function open(shell: string) {
  let out = '';
  const s = new ShellSession(shell, os.tmpdir(), { PATH: process.env.PATH ?? '/usr/bin:/bin' }, (t) => (out += t));
  sessions.push(s);
  return { s, out: () => out };
}

describe.each(['bash', 'sh'])('a %s session', (shell) => {
  it('keeps cd and variables between commands; a command that does not parse fails with status 2 and the next one runs', async () => {
    const { s, out } = open(shell);
    expect(await s.run('cd / && export ONE=1 && TWO=2')).toEqual({ exitCode: 0, output: '' });
    expect(await s.run('echo "$PWD $ONE $TWO"')).toEqual({ exitCode: 0, output: '' });
    const bad = await s.run('echo "never closed');
    expect(bad.exitCode).toBe(2);
    expect(await s.run('false')).toEqual({ exitCode: 1, output: '' });
    expect(await s.capture('printf "%s" "$ONE"')).toEqual({ exitCode: 0, output: '1' });
    expect(out()).toMatch(/^\/ 1 2\n.*(unexpected EOF|Syntax error|unterminated)/s);
    expect(out()).not.toContain('never closed');
  });

  it('runs a command of several lines, one with a line like a here-document end, and lives on under set -e', async () => {
    const { s, out } = open(shell);
    expect((await s.run("cat <<'EOF'\nfirst\nEOF\necho second")).exitCode).toBe(0);
    expect((await s.run('set -e')).exitCode).toBe(0);
    expect((await s.run('echo third')).exitCode).toBe(0);
    expect(s.alive).toBe(true);
    expect(out()).toBe('first\nsecond\nthird\n');
  });
});
