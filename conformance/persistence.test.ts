// The real CLI entry as a child process: state in --data-dir survives a graceful stop (SIGTERM)
// and a crash (SIGKILL); --in-memory writes nothing; --help exits 0.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client } from './harness.js';
import { samplePipeline } from './fixtures.js';
import { useEntries } from './entryKit.js';
import { entryArgs, type Entry } from './scripts/entry.js';

const entries = useEntries('cpl-persist-');
const launch = entries.launch;

const arn = (name: string) => `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${name}`;
const names = async (e: Entry) => ((await client(e.endpoint).send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name);

describe('persistence across restarts of the CLI entry', () => {
  let dataDir: string;

  it('keeps pipelines, versions and tags after SIGTERM (exit code 0)', async () => {
    dataDir = path.join(entries.tmp, 'data');
    const first = await launch(['--data-dir', dataDir]);
    expect(first.stderr()).toContain(`  data:    ${path.join(dataDir, 'codepipeline-local.sqlite')}\n`);
    expect(first.stderr()).toContain(`  use it:  export AWS_ENDPOINT_URL=${first.endpoint}\n`);
    const cp = client(first.endpoint);
    await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('keep-a'), tags: [{ key: 'team', value: 'a' }] }));
    await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('keep-b') }));
    const decl = samplePipeline('keep-b');
    decl.stages![1].actions![0].configuration = { ProjectName: 'v2' };
    await cp.send(new UpdatePipelineCommand({ pipeline: decl }));
    await cp.send(new TagResourceCommand({ resourceArn: arn('keep-b'), tags: [{ key: 'env', value: 'dev' }] }));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain('SIGTERM: shutting down');

    const second = await launch(['--data-dir', dataDir]);
    const cp2 = client(second.endpoint);
    expect(await names(second)).toEqual(['keep-a', 'keep-b']);
    const b = await cp2.send(new GetPipelineCommand({ name: 'keep-b' }));
    expect(b.pipeline?.version).toBe(2);
    expect(b.pipeline?.stages?.[1].actions?.[0].configuration).toEqual({ ProjectName: 'v2' });
    const b1 = await cp2.send(new GetPipelineCommand({ name: 'keep-b', version: 1 }));
    expect(b1.pipeline?.stages?.[1].actions?.[0].configuration).toEqual({ ProjectName: 'app-build' });
    expect((await cp2.send(new ListTagsForResourceCommand({ resourceArn: arn('keep-a') }))).tags).toEqual([{ key: 'team', value: 'a' }]);
    expect((await cp2.send(new ListTagsForResourceCommand({ resourceArn: arn('keep-b') }))).tags).toEqual([{ key: 'env', value: 'dev' }]);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('keeps every answered change after SIGKILL', async () => {
    const crashy = await launch(['--data-dir', dataDir]);
    const cp = client(crashy.endpoint);
    await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('after-crash'), tags: [{ key: 'k', value: 'v' }] }));
    await cp.send(new DeletePipelineCommand({ name: 'keep-a' }));
    crashy.child.kill('SIGKILL');
    expect(await crashy.exited).toBe('SIGKILL');

    const again = await launch(['--data-dir', dataDir]);
    const cp2 = client(again.endpoint);
    expect(await names(again)).toEqual(['after-crash', 'keep-b']);
    expect((await cp2.send(new ListTagsForResourceCommand({ resourceArn: arn('after-crash') }))).tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await cp2.send(new GetPipelineCommand({ name: 'keep-b' }))).pipeline?.version).toBe(2);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('--in-memory leaves no file behind, even with --data-dir given', async () => {
    const cwd = path.join(entries.tmp, 'mem-cwd');
    fs.mkdirSync(cwd);
    const mem = await launch(['--in-memory', '--data-dir', path.join(cwd, 'would-be-data')], cwd);
    expect(mem.stderr()).toContain('  data:    in memory only (--in-memory): nothing is kept after it stops\n');
    await client(mem.endpoint).send(new CreatePipelineCommand({ pipeline: samplePipeline('ephemeral') }));
    expect(await names(mem)).toEqual(['ephemeral']);
    mem.child.kill('SIGTERM');
    expect(await mem.exited).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]);

    const next = await launch(['--in-memory'], cwd);
    expect(await names(next)).toEqual([]);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, entryArgs('tsx', ['--help']), { timeout: 30_000 }, (e, stdout) =>
        resolve({ code: e ? Number(e.code) : 0, stdout }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^codepipeline-local \S+: a local AWS CodePipeline emulator\n/);
    for (const flag of ['--port', '--host', '--data-dir', '--in-memory', '--log-level']) expect(r.stdout).toContain(flag);
  });
});
