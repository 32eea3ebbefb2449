// Data folders made by earlier versions open with every row kept. The fixtures were made by the code
// of those versions (conformance/scripts/makeDataFixtures.ts): fixtures/data-v1 by the first schema,
// fixtures/data-v6 by the first schema with executions, approvals and objects. Each test works on a
// copy. An upgrade copies the database aside first, and a failed one leaves it as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { strToU8, zipSync } from 'fflate';
import {
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { waitForStatus } from './engineKit.js';
import { ROOT } from './scripts/entry.js';
import { SCHEMA_VERSION } from '../src/store/db.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-migrate-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture folder, and its expected.json. */
function copyOf(fixture: string, as: string) {
  const dataDir = path.join(tmp, as);
  fs.cpSync(path.join(ROOT, 'fixtures', fixture), dataDir, { recursive: true });
  const expected = JSON.parse(fs.readFileSync(path.join(dataDir, 'expected.json'), 'utf8'));
  return { dataDir, db: path.join(dataDir, 'codepipeline-local.sqlite'), expected };
}

const userVersion = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true });
  } finally {
    db.close();
  }
};
const names = async (cp: ReturnType<typeof client>) => (await cp.send(new ListPipelinesCommand({}))).pipelines!.map((p) => p.name);

describe('data folders of earlier versions', () => {
  it('the first schema (v1): pipelines, their versions and tags are kept; the database was copied aside before the upgrade', async () => {
    const { dataDir, db } = copyOf('data-v1', 'v1');
    const emu = await startEmulator({ inMemory: false, dataDir });
    try {
      const cp = client(emu.endpoint);
      expect(await names(cp)).toEqual(['legacy-a', 'legacy-b']);
      // Type and mode come from columns added after v1, filled from the stored declarations.
      const listed = (await cp.send(new ListPipelinesCommand({}))).pipelines!.map((p) => [p.name, p.pipelineType, p.executionMode]);
      expect(listed).toEqual([
        ['legacy-a', 'V1', 'SUPERSEDED'],
        ['legacy-b', 'V1', 'SUPERSEDED'],
      ]);
      const a = await cp.send(new GetPipelineCommand({ name: 'legacy-a' }));
      expect(a.pipeline!.version).toBe(2);
      expect(a.pipeline!.stages![1].actions![0].configuration).toEqual({ ProjectName: 'legacy-build-v2' });
      expect((await cp.send(new GetPipelineCommand({ name: 'legacy-a', version: 1 }))).pipeline!.stages![1].actions![0].configuration).toEqual({ ProjectName: 'app-build' });
      expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:legacy-a` }))).tags).toEqual([
        { key: 'team', value: 'legacy' },
      ]);
    } finally {
      await emu.stop();
    }
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(userVersion(`${db}.pre-v2.bak`)).toBe(1);
  });

  it('the first schema with executions, approvals and objects (v6): all kept, the waiting approval still approvable with its token', async () => {
    const { dataDir, expected, db } = copyOf('data-v6', 'v6');
    const emu = await startEmulator({ inMemory: false, dataDir });
    try {
      const cp = client(emu.endpoint);
      expect(await names(cp)).toEqual(['legacy-done', 'legacy-waiting']);
      // The executions' copies of their version's declaration are gone: the rows name the version.
      const raw = new Database(db, { readonly: true });
      expect(raw.prepare("SELECT COUNT(*) AS copies, SUM(declaration = '') AS named FROM executions").get()).toEqual({ copies: 2, named: 2 });
      raw.close();
      for (const [pipeline, status] of [
        ['legacy-done', 'Succeeded'],
        ['legacy-waiting', 'InProgress'],
      ]) {
        const list = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline }));
        expect(list.pipelineExecutionSummaries!.map((s) => [s.pipelineExecutionId, s.status])).toEqual([[expected.executions[pipeline], status]]);
      }
      const state = await cp.send(new GetPipelineStateCommand({ name: 'legacy-waiting' }));
      expect(state.stageStates!.map((s) => [s.stageName, s.latestExecution?.status])).toEqual(expected.waitingStages);
      expect(state.stageStates![2].actionStates![0].latestExecution!.token).toBe(expected.approvalToken);

      const s3 = new S3Client({ endpoint: emu.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
      const get = async (Key: string, VersionId?: string) => (await s3.send(new GetObjectCommand({ Bucket: 'legacy-bucket', Key, VersionId }))).Body!.transformToByteArray();
      expect(Buffer.from(await get('docs/readme.txt')).toString()).toBe('version two');
      expect(Buffer.from(await get('docs/readme.txt', expected.readmeVersions[0])).toString()).toBe('version one');
      expect([...(await get('app.bin'))]).toEqual([0, 1, 2, 3, 254, 255]);

      await cp.send(
        new PutApprovalResultCommand({
          pipelineName: 'legacy-waiting',
          stageName: 'Approve',
          actionName: 'Approve',
          token: expected.approvalToken,
          result: { status: 'Approved', summary: 'after the upgrade' },
        }),
      );
      await waitForStatus(cp, 'legacy-waiting', expected.executions['legacy-waiting'], 'Succeeded');
    } finally {
      await emu.stop();
    }
  });

  it('an upgrade that fails leaves the database as it was and names the copy made before it', async () => {
    const { dataDir, db } = copyOf('data-v1', 'v1-broken');
    // Something in the way of migration 2 (which creates the executions table).
    const raw = new Database(db);
    raw.exec('CREATE TABLE executions (in_the_way TEXT)');
    raw.close();
    await expect(startEmulator({ inMemory: false, dataDir })).rejects.toThrow(
      `upgrading the database ${db} to schema version 2 failed (table executions already exists); ` +
        `it is unchanged at version 1, and a copy from before the upgrade is ${db}.pre-v2.bak`,
    );
    expect(userVersion(db)).toBe(1);
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT name FROM pipelines ORDER BY name').all()).toEqual([{ name: 'legacy-a' }, { name: 'legacy-b' }]);
    check.close();
    // The lock went with the failed start: the folder opens again once the obstacle is gone.
    const fix = new Database(db);
    fix.exec('DROP TABLE executions');
    fix.close();
    const emu = await startEmulator({ inMemory: false, dataDir });
    expect(await names(client(emu.endpoint))).toEqual(['legacy-a', 'legacy-b']);
    await emu.stop();
    // A second upgrade attempt keeps the first copy and makes its own.
    expect(fs.existsSync(`${db}.pre-v2-2.bak`)).toBe(true);
  });

  it('a snapshot whose database has an earlier schema is upgraded as it is restored', async () => {
    const manifest = { format: 'codepipeline-local-snapshot', formatVersion: 1, schemaVersion: 1, created: '2026-11-26T00:00:00.000Z', counts: {} };
    const archive = zipSync({
      'manifest.json': strToU8(JSON.stringify(manifest)),
      'codepipeline-local.sqlite': fs.readFileSync(path.join(ROOT, 'fixtures', 'data-v1', 'codepipeline-local.sqlite')),
    });
    const emu = await startEmulator();
    try {
      expect(emu.restore(archive)).toEqual({ pipelines: 2, executions: 0, objects: 0, bodies: 0, logs: 0 });
      const cp = client(emu.endpoint);
      expect(await names(cp)).toEqual(['legacy-a', 'legacy-b']);
      expect((await cp.send(new GetPipelineCommand({ name: 'legacy-a' }))).pipeline!.version).toBe(2);
    } finally {
      await emu.stop();
    }
  });

  it('a database written by a newer version is refused, untouched', async () => {
    const { dataDir, db } = copyOf('data-v6', 'newer');
    const raw = new Database(db);
    raw.pragma('user_version = 99');
    raw.close();
    await expect(startEmulator({ inMemory: false, dataDir })).rejects.toThrow(
      `the database ${db} was written by a newer codepipeline-local (schema version 99; this one knows up to ${SCHEMA_VERSION}): ` +
        'start that version, or this one with another folder (--data-dir DIR)',
    );
    expect(userVersion(db)).toBe(99);
  });
});
