// How hard the engine works to move a lone execution along: a stage's end, the next stage's entry and
// the start of its actions take one pass of an advance, not one pass each (each pass reads the
// pipeline's active executions again), and no second pass comes to find the started actions running.
import { afterEach, expect, it } from 'vitest';
import { CreatePipelineCommand } from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { approvalAction, until } from './engineKit.js';

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

it('a lone execution goes from its finished source into the next stage and starts its action in one pass', async () => {
  emu = await startEmulator();
  const running = emu;
  emu.objects.createBucket(ACCOUNT, 'us-east-1', 'passes-src');
  await emu.objects.putObject({ bucket: 'passes-src', key: 'app.zip', body: zipFiles([{ path: 'a.txt', data: Buffer.from('a') }]) });
  const cp = client(emu.endpoint);
  await cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name: 'passes',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        artifactStore: { type: 'S3', location: 'passes-artifacts' },
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Source',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
                configuration: { S3Bucket: 'passes-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' },
                outputArtifacts: [{ name: 'Src' }],
              },
            ],
          },
          { name: 'Gate', actions: [approvalAction()] },
        ],
      },
    }),
  );
  await until(
    async () => running.store.executions.list({ account: ACCOUNT, region: 'us-east-1' }, 'passes', Number.MAX_SAFE_INTEGER, 1)[0].stageIndex,
    (i) => i === 1,
  );
  await until(async () => running.store.executions.inProgressActions().map((a) => a.action), (a) => a.join() === 'Approve');
  expect(running.engine.stats).toEqual({ maxPasses: 1, unsettled: 0 });
});
