// A stack operation a crash cut short ends cleanly after a restart: start() finds the stack in
// CREATE_IN_PROGRESS and rolls it back as CloudFormation would (what was created is deleted).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import type { StackDocument } from '../src/stacks/documents.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { until } from './engineKit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-stack-recovery-'));
let emu: RunningEmulator | undefined;
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** What a crash leaves: the bucket `half-made` made, the stack still CREATE_IN_PROGRESS, the next resource started. */
function crashedStack(stackName: string): StackDocument {
  const now = new Date().toISOString();
  return {
    stackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${stackName}/0c4f9a34-1111-2222-3333-444455556666`,
    stackName,
    status: 'CREATE_IN_PROGRESS',
    statusReason: 'User Initiated',
    parameters: {},
    capabilities: [],
    tags: {},
    resources: [
      { logicalId: 'Site', type: 'AWS::S3::Bucket', physicalId: 'half-made', status: 'CREATE_COMPLETE', properties: { BucketName: 'half-made' }, attributes: {}, simulated: false },
      { logicalId: 'Next', type: 'AWS::S3::Bucket', physicalId: '', status: 'CREATE_IN_PROGRESS' },
    ],
    outputs: {},
    exports: {},
    changeSets: {},
    events: [],
    created: now,
    updated: now,
    inProgress: { verb: 'CREATE', steps: [], discard: [] },
  };
}

it('a create interrupted by a crash is rolled back at the next start', async () => {
  const scope = { account: ACCOUNT, region: 'us-east-1' };
  const options = { inMemory: false, dataDir: path.join(root, 'data') };
  emu = await startEmulator(options);
  emu.objects.createBucket(ACCOUNT, 'us-east-1', 'half-made');
  const doc = crashedStack('crashed');
  emu.store.simulated.put(scope, 'cloudformation-stack', 'crashed', doc, Date.now());
  await emu.stop();

  emu = await startEmulator(options);
  const running = emu;
  const s = await until(
    async () => running.store.simulated.get<StackDocument>(scope, 'cloudformation-stack', 'crashed')!.document,
    (x) => x.status === 'ROLLBACK_COMPLETE',
    10_000,
  );
  expect(s.statusReason).toBe('The stack operation was interrupted by a restart of the emulator');
  expect(s.resources).toEqual([]);
  expect(s.inProgress).toBeUndefined();
  expect(s.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`)).toEqual(['crashed ROLLBACK_IN_PROGRESS', 'Site DELETE_IN_PROGRESS', 'Site DELETE_COMPLETE', 'crashed ROLLBACK_COMPLETE']);
  expect(emu.objects.getBucket('half-made')).toBeUndefined();
});

it('a restored snapshot holding a stack mid-operation ends it as a restart does', async () => {
  const scope = { account: ACCOUNT, region: 'us-east-1' };
  const live = await startEmulator();
  try {
    live.objects.createBucket(ACCOUNT, 'us-east-1', 'half-made');
    live.store.simulated.put(scope, 'cloudformation-stack', 'snapped', crashedStack('snapped'), Date.now());
    const snapshot = live.snapshot();
    live.reset();
    live.restore(snapshot);
    const s = await until(
      async () => live.store.simulated.get<StackDocument>(scope, 'cloudformation-stack', 'snapped')!.document,
      (x) => x.status === 'ROLLBACK_COMPLETE',
      10_000,
    );
    expect([s.resources, live.objects.getBucket('half-made')]).toEqual([[], undefined]);
  } finally {
    await live.stop();
  }
});
