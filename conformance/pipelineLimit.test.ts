// CreatePipeline at the account's quota of pipelines, and a name in use: the insert itself finds a
// taken name (no read first), so the stored pipeline is left as it was and the quota check still
// names the name in use first.
import { describe, expect, it } from 'vitest';
import { CreatePipelineCommand, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { ACCOUNT, expectAwsError, useEmulator } from './harness.js';
import { samplePipeline } from './fixtures.js';

const t = useEmulator();
const REGION = 'us-east-1';

describe('CreatePipeline: name in use and the pipeline quota', () => {
  it('a name in use leaves the stored pipeline as it was', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('taken') }));
    const other = { ...samplePipeline('taken'), stages: samplePipeline('taken').stages!.map((s) => ({ ...s, name: `${s.name}X` })) };
    await expectAwsError(
      t.cp.send(new CreatePipelineCommand({ pipeline: other })),
      'PipelineNameInUseException',
      `A pipeline with the name 'taken' already exists in account '${ACCOUNT}'`,
    );
    const got = await t.cp.send(new GetPipelineCommand({ name: 'taken' }));
    expect(got.pipeline?.stages?.map((s) => s.name)).toEqual(samplePipeline('taken').stages!.map((s) => s.name));
    expect(got.pipeline?.version).toBe(1);
  });

  it('at 1000 pipelines: a name in use is named first, a new name is over the limit', async () => {
    // Fill the account to the quota straight in the store (998 more beside 'taken' and 'last').
    const scope = { account: ACCOUNT, region: REGION };
    const decl = (await t.cp.send(new GetPipelineCommand({ name: 'taken' }))).pipeline!;
    t.emu.store.tx(() => {
      for (let i = 0; i < 998; i++) t.emu.store.pipelines.create(scope, { ...decl, name: `fill-${i}` }, Date.now());
    });
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('last') }));
    await expectAwsError(t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('taken') })), 'PipelineNameInUseException');
    await expectAwsError(
      t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('one-more') })),
      'LimitExceededException',
      `The number of pipelines in account '${ACCOUNT}' has reached the limit of 1000`,
    );
  });
});
