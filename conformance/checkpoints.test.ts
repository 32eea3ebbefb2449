// WAL checkpoints run in a worker thread of the CLI entry (src/store/checkpointer.ts), not inside the
// commit that crosses SQLite's threshold; what a client was answered survives SIGKILL meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreatePipelineCommand, GetPipelineStateCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { client } from './harness.js';
import { samplePipeline } from './fixtures.js';
import { useEntries } from './entryKit.js';
import { until } from './engineKit.js';

const entries = useEntries('cpl-checkpoints-');

describe('WAL checkpoints off the request path', () => {
  it('the database file takes the log without any commit checkpointing, and every answered create survives SIGKILL', async () => {
    const dataDir = path.join(entries.tmp, 'data');
    const db = path.join(dataDir, 'codepipeline-local.sqlite');
    const first = await entries.launch(['--data-dir', dataDir]);
    const cp = client(first.endpoint);
    const before = fs.statSync(db).size;
    // The worker starts after 50 write transactions (a create and its execution make about 5), and
    // 15 creates write about 700 log pages: below the 1000 at which a commit checkpoints by itself.
    for (let i = 0; i < 15; i++) await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline(`early-${i}`) }));
    // Only the worker copies the log into the database file here.
    await until(async () => fs.statSync(db).size, (size) => size > before, 15_000);

    // Writes while the worker checkpoints, then a crash.
    const names = Array.from({ length: 40 }, (_, i) => `crash-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name) => cp.send(new CreatePipelineCommand({ pipeline: samplePipeline(name) }))));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const again = await entries.launch(['--data-dir', dataDir]);
    const cp2 = client(again.endpoint);
    const listed = ((await cp2.send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name).sort();
    expect(listed).toEqual([...Array.from({ length: 15 }, (_, i) => `early-${i}`), ...names].sort());
    // Each create's own execution was recorded with it.
    for (const name of names) {
      const state = await cp2.send(new GetPipelineStateCommand({ name }));
      expect(state.stageStates?.[0].latestExecution?.pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
