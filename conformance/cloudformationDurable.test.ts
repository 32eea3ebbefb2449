// Stacks outlive the emulator: a stack and its events are there after a restart, and an operation the
// API accepted but a stop interrupted before it ran runs on the next start. With signatures verified,
// the CloudFormation API acts in the key's account and refuses bad signatures in its own error codes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, failure, startEmulator, useEmulator } from './harness.js';
import { BUCKET_TEMPLATE, cfnClient, settled } from './cfnKit.js';
import { CREDENTIALS, KEY } from './sigv4Kit.js';

/**
 * A stack as CreateStack saves it when a stop (or a snapshot) comes between the answer and the run:
 * REVIEW_IN_PROGRESS, holding the accepted create of BUCKET_TEMPLATE (its bucket site-prod).
 */
function pendingCreate(stackName: string, idSuffix: string, operationId: string) {
  const now = new Date().toISOString();
  return {
    stackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${stackName}/6d1c1f7e-0000-4000-8000-00000000000${idSuffix}`,
    stackName,
    status: 'REVIEW_IN_PROGRESS',
    parameters: {},
    capabilities: [],
    tags: {},
    resources: [],
    outputs: {},
    exports: {},
    changeSets: {},
    events: [],
    created: now,
    updated: now,
    apiOperation: { id: operationId, kind: 'create', previousStatus: 'REVIEW_IN_PROGRESS', desired: { templateBody: BUCKET_TEMPLATE, parameters: { Env: 'prod', Token: 'x' }, capabilities: [], tags: {} } },
  };
}

describe('stacks across restarts', () => {
  it('a created stack is there after a restart; a pending operation left by a stop runs on start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-cfn-durable-'));
    try {
      let emu = await startEmulator({ inMemory: false, dataDir });
      await cfnClient(emu.endpoint).send(new CreateStackCommand({ StackName: 'kept', TemplateBody: BUCKET_TEMPLATE }));
      const before = await settled(cfnClient(emu.endpoint), 'kept');
      // A stop between the answer and the run: the document holds the accepted operation (as CreateStack saves it), and shows it.
      // Its bucket is site-prod: site-dev is the first stack's, a real bucket (a second one of that name would fail, as on AWS).
      const scope = { account: ACCOUNT, region: 'us-east-1' };
      const pending = pendingCreate('interrupted', '0', 'interrupted-1');
      emu.store.simulated.put(scope, 'cloudformation-stack', 'interrupted', pending, Date.now());
      const shown = (await cfnClient(emu.endpoint).send(new DescribeStacksCommand({ StackName: 'interrupted' }))).Stacks![0];
      expect([shown.StackStatus, shown.StackStatusReason]).toEqual(['CREATE_IN_PROGRESS', 'User Initiated']);
      await emu.stop();

      emu = await startEmulator({ inMemory: false, dataDir });
      const cf = cfnClient(emu.endpoint);
      const [after] = (await cf.send(new DescribeStacksCommand({ StackName: 'kept' }))).Stacks!;
      expect([after.StackId, after.StackStatus, after.Outputs]).toEqual([before.StackId, 'CREATE_COMPLETE', before.Outputs]);
      expect((await cf.send(new DescribeStackEventsCommand({ StackName: 'kept' }))).StackEvents!.length).toBe(4);
      const resumed = await settled(cf, 'interrupted');
      expect([resumed.StackStatus, resumed.Outputs![0].OutputValue]).toEqual(['CREATE_COMPLETE', 'site-prod']);
      await emu.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stacks across a snapshot and restore', () => {
  const t = useEmulator();

  it('a pending operation held by a restored state runs once the state is back', async () => {
    const scope = { account: ACCOUNT, region: 'us-east-1' };
    t.emu.store.simulated.put(
      scope,
      'cloudformation-stack',
      'snapshotted',
      pendingCreate('snapshotted', '1', 'snap-1'),
      Date.now(),
    );
    const archive = t.emu.snapshot();
    t.emu.reset();
    await expectStackMissing(cfnClient(t.emu.endpoint), 'snapshotted');
    t.emu.restore(archive);
    const s = await settled(cfnClient(t.emu.endpoint), 'snapshotted');
    expect([s.StackStatus, s.Outputs![0].OutputValue]).toEqual(['CREATE_COMPLETE', 'site-prod']);
  });
});

async function expectStackMissing(cf: CloudFormationClient, name: string) {
  const e = await failure(cf.send(new DescribeStacksCommand({ StackName: name })));
  expect([e.name, e.message]).toEqual(['ValidationError', `Stack with id ${name} does not exist`]);
}

describe('CloudFormation with signatures verified', () => {
  const t = useEmulator({ credentials: CREDENTIALS });
  const signed = (credentials: { accessKeyId: string; secretAccessKey: string }) => new CloudFormationClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

  it('acts in the account the credentials give the key', async () => {
    const { StackId } = await signed(KEY).send(new CreateStackCommand({ StackName: 'team', TemplateBody: BUCKET_TEMPLATE }));
    expect(StackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:${KEY.accountId}:stack/team/`));
  });

  it('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId (403)', async () => {
    const wrong = await failure(signed({ accessKeyId: KEY.accessKeyId, secretAccessKey: 'nope' }).send(new DescribeStacksCommand({})));
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    const unknown = await failure(signed({ accessKeyId: 'AKIAUNKNOWN0000000', secretAccessKey: 'x' }).send(new DescribeStacksCommand({})));
    expect([unknown.name, unknown.$metadata.httpStatusCode, unknown.message]).toEqual(['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
  });
});
