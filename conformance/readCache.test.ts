// Read answers are kept while the database is unchanged (protocol/readCache.ts): every way the state
// can change must show in the next read of the same request, byte for byte the same body.
import fs from 'node:fs';
import path from 'node:path';
import { CreatePipelineCommand, DeletePipelineCommand, GetPipelineCommand, ListPipelinesCommand, UpdatePipelineCommand } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, client, expectAwsError, rawCall, useEmulator } from './harness.js';

const FIXTURE = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pipelines', 's3-build-approve-deploy.json'), 'utf8')).pipeline;
const declaration = (name: string) => ({ ...FIXTURE, name });
const AUTH = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0` };
const names = async (cp: ReturnType<typeof client>) => ((await cp.send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name);

describe('cached reads', () => {
  const h = useEmulator();

  it('a pipeline created, updated or deleted shows in the next identical read', async () => {
    const { cp } = h;
    expect(await names(cp)).toEqual([]);
    await cp.send(new CreatePipelineCommand({ pipeline: declaration('cached-a') }));
    expect(await names(cp)).toEqual(['cached-a']);
    expect((await cp.send(new GetPipelineCommand({ name: 'cached-a' }))).pipeline?.version).toBe(1);
    const stages = FIXTURE.stages.map((s: any, i: number) => (i === 1 ? { ...s, name: 'Compile' } : s));
    await cp.send(new UpdatePipelineCommand({ pipeline: { ...declaration('cached-a'), stages } }));
    const after = (await cp.send(new GetPipelineCommand({ name: 'cached-a' }))).pipeline;
    expect([after?.version, after?.stages?.[1].name]).toEqual([2, 'Compile']);
    await cp.send(new DeletePipelineCommand({ name: 'cached-a' }));
    expect(await names(cp)).toEqual([]);
    await expectAwsError(cp.send(new GetPipelineCommand({ name: 'cached-a' })), 'PipelineNotFoundException');
  });

  it('an error is not kept: the same request succeeds once the pipeline exists', async () => {
    const { cp } = h;
    await expectAwsError(cp.send(new GetPipelineCommand({ name: 'cached-later' })), 'PipelineNotFoundException');
    await cp.send(new CreatePipelineCommand({ pipeline: declaration('cached-later') }));
    expect((await cp.send(new GetPipelineCommand({ name: 'cached-later' }))).pipeline?.name).toBe('cached-later');
    await cp.send(new DeletePipelineCommand({ name: 'cached-later' }));
  });

  it('a write that is not an API call (the store changed directly) shows too', async () => {
    const { cp, emu } = h;
    await cp.send(new CreatePipelineCommand({ pipeline: declaration('cached-b') }));
    const body = JSON.stringify({ name: 'cached-b' });
    const first = await rawCall(emu.endpoint, 'CodePipeline_20150709.GetPipeline', body, AUTH);
    expect(first.json.pipeline.name).toBe('cached-b');
    expect((await rawCall(emu.endpoint, 'CodePipeline_20150709.GetPipeline', body, AUTH)).text).toBe(first.text);
    emu.store.db.prepare("UPDATE pipelines SET updated = 0 WHERE name = 'cached-b'").run();
    const changed = await rawCall(emu.endpoint, 'CodePipeline_20150709.GetPipeline', body, AUTH);
    expect(JSON.parse(changed.text).metadata.updated).toBe(0);
    await cp.send(new DeletePipelineCommand({ name: 'cached-b' }));
  });

  it('a restored snapshot shows in the next read', async () => {
    const { cp, emu } = h;
    const empty = emu.snapshot();
    await cp.send(new CreatePipelineCommand({ pipeline: declaration('cached-c') }));
    expect(await names(cp)).toEqual(['cached-c']);
    emu.restore(empty);
    expect(await names(cp)).toEqual([]);
  });

  it('the same body from another account or region is answered from that scope', async () => {
    const { cp, emu } = h;
    await cp.send(new CreatePipelineCommand({ pipeline: declaration('cached-d') }));
    expect(await names(cp)).toEqual(['cached-d']);
    expect(await names(client(emu.endpoint, { accessKeyId: '210987654321' }))).toEqual([]);
    expect(await names(client(emu.endpoint, { region: 'eu-west-1' }))).toEqual([]);
    await cp.send(new DeletePipelineCommand({ name: 'cached-d' }));
  });
});
