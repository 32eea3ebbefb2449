// The data folder belongs to one emulator, and is never destroyed: a second emulator on the same
// folder is refused (also in one process), a SIGKILLed one leaves no stale lock, a lost or damaged
// database stops the start with what to do, and no object body is ever deleted because the database
// does not name it. Real CLI processes (scripts/entry.ts) where the exit and its message matter.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client } from './harness.js';
import { useEntries } from './entryKit.js';
import { runEntry } from './scripts/entry.js';
import { start } from '../src/index.js';
import { INLINE_BODY_BYTES } from '../src/services/s3/inlineBodies.js';

const entries = useEntries('cpl-datadir-');
const launch = (dataDir: string) => entries.launch(['--data-dir', dataDir]);

const s3 = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });

/** The body of object i: over the size the database keeps itself, so each is a file under s3/blobs. */
const bodyText = (i: number) => `body ${i} `.padEnd(INLINE_BODY_BYTES + 1, '.');

/** Five objects through S3, then a graceful stop: a folder with a database and five bodies. */
async function folderWithFiveBodies(name: string): Promise<string> {
  const dataDir = path.join(entries.tmp, name);
  const e = await launch(dataDir);
  const c = s3(e.endpoint);
  await c.send(new CreateBucketCommand({ Bucket: 'keep-me' }));
  for (let i = 0; i < 5; i++) await c.send(new PutObjectCommand({ Bucket: 'keep-me', Key: `k${i}`, Body: bodyText(i) }));
  e.child.kill('SIGTERM');
  expect(await e.exited).toBe(0);
  return dataDir;
}

const blobsOf = (dataDir: string) => {
  const dir = path.join(dataDir, 's3', 'blobs');
  return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
};

const whatToDo = (dataDir: string) =>
  `  backups: none in ${dataDir}\n` +
  `  to start over, move the folder aside (nothing is deleted): mv ${dataDir} ${dataDir}.damaged\n` +
  `    then start again, or put a snapshot back first: codepipeline-local restore FILE --data-dir ${dataDir}\n` +
  '  to leave it as it is and work elsewhere: --data-dir OTHER_FOLDER, or --in-memory\n';

describe('one emulator per data folder', () => {
  it('a second CLI on the same folder exits 2 naming the folder and the holder; after a SIGKILL of the first, a new one starts', async () => {
    const dataDir = path.join(entries.tmp, 'shared');
    const first = await launch(dataDir);
    await client(first.endpoint).send(new ListPipelinesCommand({}));

    const second = await runEntry({ args: ['--port', '0', '--data-dir', dataDir] });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `codepipeline-local: the data folder ${dataDir} is in use by another codepipeline-local (pid ${first.child.pid}, ${first.endpoint}). ` +
        'Two emulators on one folder would run the same work twice: stop that one, or start this one with another folder (--data-dir DIR) or with --in-memory\n',
    );
    // The first one is untouched.
    expect((await client(first.endpoint).send(new ListPipelinesCommand({}))).pipelines).toEqual([]);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const third = await launch(dataDir);
    expect((await client(third.endpoint).send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('start() twice in one process on one folder refuses the second; after stop() the folder is free again', async () => {
    const dataDir = path.join(entries.tmp, 'in-process');
    const a = await start({ port: 0, dataDir, logLevel: 'silent' });
    await expect(start({ port: 0, dataDir, logLevel: 'silent' })).rejects.toThrow(
      `the data folder ${dataDir} is in use by another emulator in this process. Two emulators on one folder would run the same work twice: ` +
        'stop that one, or start this one with another folder (--data-dir DIR) or with --in-memory',
    );
    await a.stop();
    const b = await start({ port: 0, dataDir, logLevel: 'silent' });
    await b.stop();
  });

  it('a start that fails after taking the lock (port in use) frees the folder', async () => {
    const dataDir = path.join(entries.tmp, 'port-clash');
    const a = await start({ port: 0, inMemory: true, logLevel: 'silent' });
    await expect(start({ port: a.port, dataDir, logLevel: 'silent' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const b = await start({ port: 0, dataDir, logLevel: 'silent' });
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('a damaged or lost database', () => {
  it('0 bytes while the folder holds 5 object bodies: exit 2 with what to do, every body still there', async () => {
    const dataDir = await folderWithFiveBodies('zero');
    const bodies = blobsOf(dataDir);
    expect(Object.values(bodies).sort()).toEqual([0, 1, 2, 3, 4].map(bodyText));
    const db = path.join(dataDir, 'codepipeline-local.sqlite');
    fs.truncateSync(db, 0);

    const r = await runEntry({ args: ['--port', '0', '--data-dir', dataDir] });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `codepipeline-local: the database ${db} is empty (0 bytes), but ${dataDir} holds 5 object bodies and 0 action logs from earlier work: ` +
        'the database was lost or replaced, and starting would show none of that work. Nothing was changed\n' +
        whatToDo(dataDir),
    );
    expect(blobsOf(dataDir)).toEqual(bodies);
    expect(fs.statSync(db).size).toBe(0);

    // The same when the file is gone altogether.
    fs.rmSync(db);
    const gone = await runEntry({ args: ['--port', '0', '--data-dir', dataDir] });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`codepipeline-local: the database ${db} is missing, but ${dataDir} holds 5 object bodies`);
    expect(blobsOf(dataDir)).toEqual(bodies);
  });

  it('truncated to 10 KB: exit 2 naming the file, the write-ahead log and backups, and how to go on; nothing changed', async () => {
    const dataDir = await folderWithFiveBodies('truncated');
    const bodies = blobsOf(dataDir);
    const db = path.join(dataDir, 'codepipeline-local.sqlite');
    fs.truncateSync(db, 10 * 1024);
    const damaged = fs.readFileSync(db);

    const r = await runEntry({ args: ['--port', '0', '--data-dir', dataDir] });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `codepipeline-local: the database ${db} is damaged (database disk image is malformed); nothing in ${dataDir} was changed\n` +
        '  write-ahead log: none (no codepipeline-local.sqlite-wal)\n' +
        whatToDo(dataDir),
    );
    expect(fs.readFileSync(db).equals(damaged)).toBe(true);
    expect(blobsOf(dataDir)).toEqual(bodies);

    // The advice works: the folder moved aside, a new one starts on the same path.
    fs.renameSync(dataDir, `${dataDir}.damaged`);
    const fresh = await launch(dataDir);
    expect((await client(fresh.endpoint).send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    fresh.child.kill('SIGTERM');
    expect(await fresh.exited).toBe(0);
    expect(blobsOf(`${dataDir}.damaged`)).toEqual(bodies);
  });

  it('a body the database does not name is kept and reported at start; one cut short mid-upload is removed', async () => {
    const dataDir = await folderWithFiveBodies('unknown-body');
    const blobs = path.join(dataDir, 's3', 'blobs');
    fs.writeFileSync(path.join(blobs, 'ab'.repeat(16)), 'not in the database');
    fs.writeFileSync(path.join(blobs, `${'cd'.repeat(16)}.partial`), 'cut sh');
    const e = await launch(dataDir);
    expect(e.stderr()).toMatch(
      new RegExp(`WARN s3: 1 object body in ${blobs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not named by the database; kept, not deleted \\(`),
    );
    expect(fs.readFileSync(path.join(blobs, 'ab'.repeat(16)), 'utf8')).toBe('not in the database');
    expect(fs.existsSync(path.join(blobs, `${'cd'.repeat(16)}.partial`))).toBe(false);
    const got = await s3(e.endpoint).send(new GetObjectCommand({ Bucket: 'keep-me', Key: 'k3' }));
    expect(await got.Body!.transformToString()).toBe(bodyText(3));
    e.child.kill('SIGTERM');
    expect(await e.exited).toBe(0);
  });
});
