// How much database work a write of the object store costs: the bucket is looked up once per write,
// inside its transaction, and putObjects() commits a batch of small objects once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../store/db.js';
import { systemClock } from '../../util/clock.js';
import { Logger } from '../../util/log.js';
import { INLINE_BODY_BYTES } from './inlineBodies.js';
import { ObjectStore, PutObjectsError, type ObjectCreatedEvent } from './store.js';
import { objectStoreSource } from '../../providers/sources/s3Objects.js';

const ACCOUNT = '123456789012';
const BUCKET_LOOKUP = 'FROM s3_buckets WHERE name = ?';

let dir: string;
let db: Db;
let store: ObjectStore;
/** Statements run, by SQL; outermost transactions of the store. */
let ran: string[];
let transactions: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-s3-writes-'));
  db = openDb({ inMemory: false, dataDir: dir }).db;
  ran = [];
  transactions = 0;
  // Every statement the store prepares, seen through a proxy (db.prepare answers statements compiled on first use).
  const prepare = db.prepare.bind(db);
  const counted = new Set(['run', 'get', 'all', 'iterate']);
  (db as { prepare: unknown }).prepare = (sql: string) =>
    new Proxy(prepare(sql), {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof name !== 'string' || !counted.has(name)) return value;
        return (...args: unknown[]) => (ran.push(sql), (value as (...a: unknown[]) => unknown).apply(receiver, args));
      },
    });
  store = ObjectStore.open({ db, dataDir: dir, inMemory: false, clock: systemClock, log: new Logger('error') });
  const ctx = (store as unknown as { ctx: { tx: <T>(fn: () => T) => T } }).ctx;
  const tx = ctx.tx.bind(ctx);
  ctx.tx = <T>(fn: () => T): T => {
    if (!db.inTransaction) transactions++;
    return tx(fn);
  };
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Bucket lookups and transactions made by `work`. */
async function cost(work: () => Promise<unknown>) {
  ran = [];
  transactions = 0;
  await work();
  return { lookups: ran.filter((sql) => sql.includes(BUCKET_LOOKUP)).length, transactions };
}

describe('object writes look their bucket up once', () => {
  it('PutObject, CopyObject, an artifact put into a new bucket, an artifact copy: one lookup and one transaction each', async () => {
    store.createBucket(ACCOUNT, 'eu-west-1', 'site');
    const events: ObjectCreatedEvent[] = [];
    store.onObjectCreated((e) => events.push(e));
    expect(await cost(() => store.putObject({ bucket: 'site', key: 'a.txt', body: Buffer.from('a') }))).toEqual({ lookups: 1, transactions: 1 });
    const a = store.getVersion('site', 'a.txt')!;
    expect(await cost(() => store.copyObject({ source: a, bucket: 'site', key: 'b.txt' }))).toEqual({ lookups: 1, transactions: 1 });
    let put: { versionId: string } | undefined;
    expect(await cost(async () => (put = await store.artifacts.put(ACCOUNT, { bucket: 'artifacts', key: 'x.zip' }, Buffer.from('zip'))))).toEqual({ lookups: 1, transactions: 1 });
    expect(store.getBucket('artifacts')).toMatchObject({ name: 'artifacts', account: ACCOUNT, region: 'us-east-1' });
    expect(await cost(() => store.artifacts.copy!(ACCOUNT, { bucket: 'artifacts', key: 'x.zip', versionId: put!.versionId }, { bucket: 'more-artifacts', key: 'y.zip' }))).toEqual({
      lookups: 1,
      transactions: 1,
    });
    expect((await store.getBuffer('more-artifacts', 'y.zip'))!.toString()).toBe('zip');
    // The events carry the bucket's owner and region, as before.
    expect(events.map((e) => [e.bucket, e.key, e.account, e.region])).toEqual([
      ['site', 'a.txt', ACCOUNT, 'eu-west-1'],
      ['site', 'b.txt', ACCOUNT, 'eu-west-1'],
      ['artifacts', 'x.zip', ACCOUNT, 'us-east-1'],
      ['more-artifacts', 'y.zip', ACCOUNT, 'us-east-1'],
    ]);
  });

  it('a write into a missing bucket is NoSuchBucket and leaves nothing behind; an artifact bucket name S3 refuses is InvalidBucketName', async () => {
    await expect(store.putObject({ bucket: 'nope', key: 'a', body: Buffer.from('a') })).rejects.toMatchObject({ code: 'NoSuchBucket' });
    await expect(store.putObject({ bucket: 'nope', key: 'a', body: Buffer.alloc(INLINE_BODY_BYTES + 1) })).rejects.toMatchObject({ code: 'NoSuchBucket' });
    await expect(store.artifacts.put(ACCOUNT, { bucket: 'Bad_Name', key: 'a' }, Buffer.from('a'))).rejects.toMatchObject({ code: 'InvalidBucketName' });
    expect(store.inlineBodyCount()).toBe(0);
    expect(store.knownBlobs().size).toBe(0);
    expect(fs.readdirSync(path.join(dir, 's3', 'blobs')).filter((n) => /^[0-9a-f]{32}$/.test(n))).toEqual([]);
  });
});

describe('putObjects', () => {
  it('commits small and large objects of one bucket in one transaction, with one bucket lookup; each gets its own version, ETag and event', async () => {
    store.createBucket(ACCOUNT, 'us-east-1', 'site');
    const events: ObjectCreatedEvent[] = [];
    store.onObjectCreated((e) => events.push(e));
    const big = Buffer.alloc(INLINE_BODY_BYTES + 1, 7);
    const items = [
      { key: 'index.html', body: Buffer.from('<h1>hi</h1>'), contentType: 'text/html', headers: { 'cache-control': 'max-age=60' } },
      { key: 'big.bin', body: big },
      { key: 'index.html', body: Buffer.from('<h1>again</h1>'), contentType: 'text/html' },
    ];
    let versions: Awaited<ReturnType<ObjectStore['putObjects']>> = [];
    expect(await cost(async () => (versions = await store.putObjects('site', items)))).toEqual({ lookups: 1, transactions: 1 });
    expect(versions.map((v) => [v.key, v.size])).toEqual([
      ['index.html', 11],
      ['big.bin', big.length],
      ['index.html', 14],
    ]);
    // The later write of a key is its latest version; the earlier stays a version.
    expect(store.getVersion('site', 'index.html')).toMatchObject({ versionId: versions[2].versionId, contentType: 'text/html', headers: {} });
    expect(store.getVersion('site', 'index.html', versions[0].versionId)).toMatchObject({ headers: { 'cache-control': 'max-age=60' } });
    expect((await store.getBuffer('site', 'big.bin'))!.equals(big)).toBe(true);
    expect(versions[1].etag).toBe(`"${(await import('node:crypto')).createHash('md5').update(big).digest('hex')}"`);
    expect(store.inlineBodyCount()).toBe(2);
    expect(store.knownBlobs().size).toBe(1);
    expect(events.map((e) => e.versionId)).toEqual(versions.map((v) => v.versionId));
  });

  it('a key S3 refuses fails the batch before anything is written, naming that key', async () => {
    store.createBucket(ACCOUNT, 'us-east-1', 'site');
    const long = 'k'.repeat(1025);
    const err = await store.putObjects('site', [{ key: 'ok.txt', body: Buffer.from('ok') }, { key: long, body: Buffer.from('x') }]).catch((e) => e);
    expect(err).toBeInstanceOf(PutObjectsError);
    expect(err.key).toBe(long);
    expect(err.reason.code).toBe('KeyTooLongError');
    expect(store.listObjects('site', { maxKeys: 1000 }).contents).toEqual([]);
  });

  it('a bucket deleted before the batch commits: NoSuchBucket naming the first key; no body is left, in the database or in a file', async () => {
    store.createBucket(ACCOUNT, 'us-east-1', 'site');
    const pending = store.putObjects('site', [
      { key: 'a.txt', body: Buffer.from('a') },
      { key: 'big.bin', body: Buffer.alloc(INLINE_BODY_BYTES + 1) },
    ]);
    store.deleteBucket('site');
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(PutObjectsError);
    expect([err.key, err.reason.code]).toEqual(['a.txt', 'NoSuchBucket']);
    expect(store.inlineBodyCount()).toBe(0);
    expect(fs.readdirSync(path.join(dir, 's3', 'blobs')).filter((n) => /^[0-9a-f]{32}$/.test(n))).toEqual([]);
  });

  it('splits a large number of objects into batches of bounded size, each committed once', async () => {
    store.createBucket(ACCOUNT, 'us-east-1', 'site');
    // 80 bodies of 120 KiB (kept in the database): 9.4 MiB, more than one transaction holds (8 MiB).
    const items = Array.from({ length: 80 }, (_, i) => ({ key: `f${i}`, body: Buffer.alloc(120 * 1024, i) }));
    expect(await cost(() => store.putObjects('site', items))).toEqual({ lookups: 2, transactions: 2 });
    expect(store.listObjects('site', { maxKeys: 1000 }).contents.length).toBe(80);
  });
});

describe('the S3 source', () => {
  it('reads the version it found: one bucket check, one version lookup, one body read', async () => {
    store.createBucket(ACCOUNT, 'us-east-1', 'src');
    const first = await store.putObject({ bucket: 'src', key: 'app.zip', body: Buffer.from('one'), metadata: { a: '1' } });
    await store.putObject({ bucket: 'src', key: 'app.zip', body: Buffer.from('two') });
    const source = objectStoreSource(store);
    ran = [];
    const latest = await source.getObject(ACCOUNT, 'src', 'app.zip');
    expect(ran.map((sql) => sql.match(/FROM (s3_\w+)/)?.[1])).toEqual(['s3_buckets', 's3_latest', 's3_bodies']);
    expect(latest.ok && latest.object.body.toString()).toBe('two');
    const pinned = await source.getObject(ACCOUNT, 'src', 'app.zip', first.versionId);
    expect(pinned).toEqual({ ok: true, object: { body: Buffer.from('one'), versionId: first.versionId, etag: first.etag.slice(1, -1), metadata: { a: '1' } } });
    expect(await source.getObject(ACCOUNT, 'src', 'other')).toEqual({ ok: false, code: 'NoSuchKey' });
    expect(await source.getObject(ACCOUNT, 'nope', 'app.zip')).toEqual({ ok: false, code: 'NoSuchBucket' });
  });
});
