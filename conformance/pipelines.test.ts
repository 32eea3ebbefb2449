// Pipeline CRUD through the SDK: create, get (current and by version), update, list, delete.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  ListPipelinesCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, failure, useEmulator } from './harness.js';
import { samplePipeline } from './fixtures.js';

const t = useEmulator();

describe('pipelines', () => {
  it('creates a pipeline with AWS defaults and returns it with its tags', async () => {
    const out = await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('crud-1'), tags: [{ key: 'team', value: 'a' }] }));
    expect(out.pipeline?.version).toBe(1);
    expect(out.pipeline?.pipelineType).toBe('V1');
    expect(out.pipeline?.executionMode).toBe('SUPERSEDED');
    expect(out.pipeline?.stages?.[0].actions?.[0].runOrder).toBe(1);
    expect(out.pipeline?.stages?.[0].actions?.[0].inputArtifacts).toEqual([]);
    expect(out.tags).toEqual([{ key: 'team', value: 'a' }]);
  });

  it('gets a pipeline with metadata', async () => {
    const out = await t.cp.send(new GetPipelineCommand({ name: 'crud-1' }));
    expect(out.pipeline?.name).toBe('crud-1');
    expect(out.metadata?.pipelineArn).toBe(`arn:aws:codepipeline:us-east-1:${ACCOUNT}:crud-1`);
    expect(out.metadata?.created).toBeInstanceOf(Date);
    expect(Math.abs(out.metadata!.created!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('rejects a second pipeline with the same name', async () => {
    const e = await failure(t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('crud-1') })));
    expect(e.name).toBe('PipelineNameInUseException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('updates a pipeline, increments its version and keeps the history', async () => {
    const decl = samplePipeline('crud-1');
    decl.stages![1].actions![0].configuration = { ProjectName: 'other-project' };
    const out = await t.cp.send(new UpdatePipelineCommand({ pipeline: decl }));
    expect(out.pipeline?.version).toBe(2);
    const current = await t.cp.send(new GetPipelineCommand({ name: 'crud-1' }));
    expect(current.pipeline?.version).toBe(2);
    expect(current.pipeline?.stages?.[1].actions?.[0].configuration).toEqual({ ProjectName: 'other-project' });
    const v1 = await t.cp.send(new GetPipelineCommand({ name: 'crud-1', version: 1 }));
    expect(v1.pipeline?.version).toBe(1);
    expect(v1.pipeline?.stages?.[1].actions?.[0].configuration).toEqual({ ProjectName: 'app-build' });
    const e = await failure(t.cp.send(new GetPipelineCommand({ name: 'crud-1', version: 9 })));
    expect(e.name).toBe('PipelineVersionNotFoundException');
  });

  it('answers PipelineNotFoundException for a missing pipeline', async () => {
    const e = await failure(t.cp.send(new GetPipelineCommand({ name: 'nope' })));
    expect(e.name).toBe('PipelineNotFoundException');
    expect(e.message).toBe(`Account '${ACCOUNT}' does not have a pipeline with name 'nope'`);
    const u = await failure(t.cp.send(new UpdatePipelineCommand({ pipeline: samplePipeline('nope') })));
    expect(u.name).toBe('PipelineNotFoundException');
  });

  it('lists pipelines by name with pagination', async () => {
    for (const n of ['page-c', 'page-a', 'page-b']) await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline(n) }));
    const first = await t.cp.send(new ListPipelinesCommand({ maxResults: 2 }));
    expect(first.pipelines?.map((p) => p.name)).toEqual(['crud-1', 'page-a']);
    expect(first.nextToken).toBeTypeOf('string');
    const second = await t.cp.send(new ListPipelinesCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.pipelines?.map((p) => p.name)).toEqual(['page-b', 'page-c']);
    expect(second.nextToken).toBeUndefined();
    expect(second.pipelines?.[0]).toMatchObject({ version: 1, pipelineType: 'V1', executionMode: 'SUPERSEDED' });
    expect(second.pipelines?.[0].created).toBeInstanceOf(Date);
    const bad = await failure(t.cp.send(new ListPipelinesCommand({ nextToken: 'garbage' })));
    expect(bad.name).toBe('InvalidNextTokenException');
  });

  it('deletes a pipeline', async () => {
    await t.cp.send(new DeletePipelineCommand({ name: 'page-a' }));
    const e = await failure(t.cp.send(new GetPipelineCommand({ name: 'page-a' })));
    expect(e.name).toBe('PipelineNotFoundException');
    // Deleting again is not an error.
    await t.cp.send(new DeletePipelineCommand({ name: 'page-a' }));
  });

  it('isolates pipelines per account and region', async () => {
    const west = client(t.emu.endpoint, { region: 'eu-west-1' });
    const e = await failure(west.send(new GetPipelineCommand({ name: 'crud-1' })));
    expect(e.name).toBe('PipelineNotFoundException');
    const other = client(t.emu.endpoint, { accessKeyId: '210987654321' });
    expect((await other.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    await west.send(new CreatePipelineCommand({ pipeline: samplePipeline('crud-1') }));
    const got = await west.send(new GetPipelineCommand({ name: 'crud-1' }));
    expect(got.metadata?.pipelineArn).toBe(`arn:aws:codepipeline:eu-west-1:${ACCOUNT}:crud-1`);
    // A non-numeric access key id maps to the default account.
    const anon = client(t.emu.endpoint, { accessKeyId: 'AKIDEXAMPLE' });
    expect((await anon.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
  });
});
