// Mistakes on the command line of the real CLI entry: one line naming the mistake, then the usage,
// exit code 2; never a Node stack trace.
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { entryArgs, killEntry, startEntry, type Entry } from './scripts/entry.js';

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, entryArgs('tsx', args), { timeout: 30_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

let holder: Entry | undefined;
afterAll(() => killEntry(holder));

describe('command-line mistakes', () => {
  it.each([
    [['--prot', '4700'], "codepipeline-local: Unknown option '--prot'\n"],
    [['--port', 'abc'], 'codepipeline-local: invalid --port abc (a number from 0 to 65535)\n'],
    [['--log-level', 'loud'], 'codepipeline-local: invalid --log-level loud (one of debug, info, warn, error, silent)\n'],
    [['--port'], "codepipeline-local: Option '--port <value>' argument missing\n"],
    [['launch'], "codepipeline-local: unknown command 'launch' (commands: snapshot, restore, reset, watch)\n"],
    [['snapshot'], 'codepipeline-local: snapshot needs a FILE\n'],
    [['restore', 'a.zip', 'b.zip'], "codepipeline-local: unexpected argument 'b.zip'\n"],
    [['reset', 'a.zip'], "codepipeline-local: unexpected argument 'a.zip'\n"],
    [['--endpoint', 'http://127.0.0.1:4596'], 'codepipeline-local: --endpoint goes with a command (snapshot, restore, reset, watch)\n'],
    [['--max-artifact-size', '4GB'], 'codepipeline-local: invalid --max-artifact-size 4GB (a number of bytes, or of KiB, MiB or GiB, e.g. 8GiB)\n'],
    [['--history-retention-days', 'forever'], 'codepipeline-local: invalid --history-retention-days forever (a number of days, 0 to keep history forever)\n'],
  ])('%j: one line and the usage, exit 2', async (args, first) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.slice(0, first.length + 1)).toBe(`${first}\n`);
    expect(r.stderr.slice(first.length + 1)).toMatch(/^codepipeline-local \S+: a local AWS CodePipeline emulator\n\nUsage: codepipeline-local \[options\]\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a port in use says so and how to pick another', async () => {
    holder = await startEntry({ args: ['--port', '0', '--in-memory', '--log-level', 'warn'] });
    const port = new URL(holder.endpoint).port;
    const r = await run(['--port', port, '--in-memory']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `codepipeline-local: port ${port} is already in use (another codepipeline-local?): pick another with --port N, or --port 0 for any free port\n`,
    );
  });
});
