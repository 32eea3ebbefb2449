// Where object bodies live: up to INLINE_BODY_BYTES in the database (committed with their row, no
// file), larger ones in files under <dataDir>/s3/blobs. Everything a client can do with an object
// works the same for both, side by side: reads, ranges, presigned GETs, copies (to a versioned bucket),
// versions, deletes, multipart uploads, a SIGKILL right after the answer, snapshots and restores,
// and a data folder whose small bodies were written as files by an earlier version.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { INLINE_BODY_BYTES } from '../src/services/s3/inlineBodies.js';
import { S3_LIMITS } from '../src/services/s3/limits.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { useEntries } from './entryKit.js';
import { get, presign, signRequest } from './sigv4Kit.js';
import { bytes, md5 } from './s3Kit.js';

const s3 = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });


const filesIn = (dataDir: string) => {
  const dir = path.join(dataDir, 's3', 'blobs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

const body = async (c: S3Client, Bucket: string, Key: string, extra: { VersionId?: string; Range?: string } = {}) =>
  Buffer.from(await (await c.send(new GetObjectCommand({ Bucket, Key, ...extra }))).Body!.transformToByteArray());

describe('bodies in the database and in files, side by side', () => {
  let tmp: string;
  let dataDir: string;
  let emu: RunningEmulator;
  let c: S3Client;
  const inlineCount = () => emu.objects.inlineBodyCount();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-s3-bodies-'));
    dataDir = path.join(tmp, 'data');
    emu = await startEmulator({ inMemory: false, dataDir });
    c = s3(emu.endpoint);
  });
  afterAll(async () => {
    c.destroy();
    await emu.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('up to the threshold in the database, one byte more in a file; both read back exactly, with the same ETags and listings', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'side-by-side' }));
    const objects: Record<string, Buffer> = {
      empty: Buffer.alloc(0),
      small: bytes(10, 2),
      edge: bytes(INLINE_BODY_BYTES, 3),
      over: bytes(INLINE_BODY_BYTES + 1, 4),
    };
    const etags: Record<string, string> = {};
    for (const [key, data] of Object.entries(objects)) etags[key] = (await c.send(new PutObjectCommand({ Bucket: 'side-by-side', Key: key, Body: data }))).ETag!;
    // Only the body over the threshold is a file.
    expect(filesIn(dataDir)).toHaveLength(1);
    expect(inlineCount()).toBe(3);
    for (const [key, data] of Object.entries(objects)) {
      expect(etags[key]).toBe(`"${md5(data)}"`);
      expect((await body(c, 'side-by-side', key)).equals(data), key).toBe(true);
      const head = await c.send(new HeadObjectCommand({ Bucket: 'side-by-side', Key: key }));
      expect([head.ContentLength, head.ETag]).toEqual([data.length, `"${md5(data)}"`]);
    }
    const listed = await c.send(new ListObjectsV2Command({ Bucket: 'side-by-side' }));
    expect(listed.Contents!.map((o) => [o.Key, o.Size, o.ETag])).toEqual(
      ['edge', 'empty', 'over', 'small'].map((k) => [k, objects[k].length, `"${md5(objects[k])}"`]),
    );
  });

  it('a body of unannounced length (Transfer-Encoding: chunked, no Content-Length) lands where its size says', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'streamed' }));
    const files = filesIn(dataDir).length;
    const inline = inlineCount();
    /** A PUT whose body is sent in 8 KiB writes with no length announced. */
    const putChunked = async (key: string, data: Buffer) => {
      const signed = await signRequest('s3', 'PUT', `${emu.endpoint}/streamed/${key}`, { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
      return new Promise<number>((resolve, reject) => {
        const req = http.request(signed.url, { method: 'PUT', headers: signed.headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        for (let i = 0; i < data.length; i += 8192) req.write(data.subarray(i, i + 8192));
        req.end();
      });
    };
    const small = bytes(INLINE_BODY_BYTES, 5);
    const large = bytes(INLINE_BODY_BYTES + 1000, 6);
    expect(await putChunked('small', small)).toBe(200);
    expect(await putChunked('large', large)).toBe(200);
    expect([filesIn(dataDir).length - files, inlineCount() - inline]).toEqual([1, 1]);
    expect((await body(c, 'streamed', 'small')).equals(small)).toBe(true);
    expect((await body(c, 'streamed', 'large')).equals(large)).toBe(true);
  });

  it('range GETs and presigned GETs of a body in the database answer the same bytes and headers as of a file', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'ranges' }));
    const inline = bytes(5000, 7);
    const file = bytes(INLINE_BODY_BYTES + 5000, 7);
    await c.send(new PutObjectCommand({ Bucket: 'ranges', Key: 'inline', Body: inline }));
    await c.send(new PutObjectCommand({ Bucket: 'ranges', Key: 'file', Body: file }));
    for (const [key, data] of [['inline', inline], ['file', file]] as const) {
      for (const [range, start, end] of [
        ['bytes=0-0', 0, 0],
        ['bytes=10-19', 10, 19],
        ['bytes=-5', data.length - 5, data.length - 1],
        ['bytes=4990-', 4990, data.length - 1],
        ['bytes=4000-999999999', 4000, data.length - 1],
      ] as const) {
        const got = await c.send(new GetObjectCommand({ Bucket: 'ranges', Key: key, Range: range }));
        expect([got.ContentRange, got.ContentLength], `${key} ${range}`).toEqual([`bytes ${start}-${end}/${data.length}`, end - start + 1]);
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data.subarray(start, end + 1)), `${key} ${range}`).toBe(true);
      }
      const presigned = await get(await presign('s3', `${emu.endpoint}/ranges/${key}`), { range: 'bytes=100-109' });
      expect([presigned.status, presigned.headers['content-range'], presigned.text]).toEqual([206, `bytes 100-109/${data.length}`, data.subarray(100, 110).toString('utf8')]);
      const whole = await get(await presign('s3', `${emu.endpoint}/ranges/${key}`));
      expect([whole.status, whole.headers['content-length'], whole.headers.etag]).toEqual([200, String(data.length), `"${md5(data)}"`]);
    }
  });

  // Every bucket of the local store is versioned (PutBucketVersioning is not needed, nor implemented).
  it('a copy of a body in the database into a versioned bucket is a body of its own: each version keeps its bytes after the source and the other versions go', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'copy-src' }));
    await c.send(new CreateBucketCommand({ Bucket: 'copy-versioned' }));
    const files = filesIn(dataDir).length;
    const first = bytes(3000, 8);
    const second = bytes(3000, 9);
    const src1 = await c.send(new PutObjectCommand({ Bucket: 'copy-src', Key: 'src', Body: first }));
    const v1 = await c.send(new CopyObjectCommand({ Bucket: 'copy-versioned', Key: 'dst', CopySource: 'copy-src/src' }));
    const src2 = await c.send(new PutObjectCommand({ Bucket: 'copy-src', Key: 'src', Body: second }));
    const v2 = await c.send(
      new CopyObjectCommand({ Bucket: 'copy-versioned', Key: 'dst', CopySource: 'copy-src/src', MetadataDirective: 'REPLACE', ContentType: 'text/plain', Metadata: { m: '1' } }),
    );
    const v3 = await c.send(new CopyObjectCommand({ Bucket: 'copy-versioned', Key: 'dst', CopySource: `copy-src/src?versionId=${src1.VersionId}` }));
    expect([v1.CopyObjectResult!.ETag, v2.CopyObjectResult!.ETag, v3.CopyObjectResult!.ETag]).toEqual([`"${md5(first)}"`, `"${md5(second)}"`, `"${md5(first)}"`]);
    expect(filesIn(dataDir)).toHaveLength(files);
    // The sources go (every version): the copies keep their bytes.
    const before = inlineCount();
    await c.send(new DeleteObjectCommand({ Bucket: 'copy-src', Key: 'src', VersionId: src1.VersionId }));
    await c.send(new DeleteObjectCommand({ Bucket: 'copy-src', Key: 'src', VersionId: src2.VersionId }));
    expect(inlineCount()).toBe(before - 2);
    expect((await body(c, 'copy-versioned', 'dst', { VersionId: v1.VersionId })).equals(first)).toBe(true);
    const got2 = await c.send(new GetObjectCommand({ Bucket: 'copy-versioned', Key: 'dst', VersionId: v2.VersionId }));
    expect([got2.ContentType, got2.Metadata]).toEqual(['text/plain', { m: '1' }]);
    expect(Buffer.from(await got2.Body!.transformToByteArray()).equals(second)).toBe(true);
    expect((await body(c, 'copy-versioned', 'dst')).equals(first)).toBe(true);
    // Deleting one version of the copy leaves the others; a delete marker keeps every body.
    await c.send(new DeleteObjectCommand({ Bucket: 'copy-versioned', Key: 'dst', VersionId: v3.VersionId }));
    expect((await body(c, 'copy-versioned', 'dst')).equals(second)).toBe(true);
    await c.send(new DeleteObjectCommand({ Bucket: 'copy-versioned', Key: 'dst' }));
    expect((await body(c, 'copy-versioned', 'dst', { VersionId: v1.VersionId })).equals(first)).toBe(true);
    expect(inlineCount()).toBe(before - 3);
    // DeleteBucket takes the remaining versions' bodies with it.
    await c.send(new DeleteBucketCommand({ Bucket: 'copy-versioned' }));
    expect(inlineCount()).toBe(before - 5);
  });

  it('multipart: small parts are kept in the database, a replaced part and an aborted upload leave nothing, and the assembled object lands where its size says', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'multi' }));
    const files = filesIn(dataDir).length;
    const inline = inlineCount();
    // One small part (replaced once): the object is small too.
    const up = await c.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'small' }));
    await c.send(new UploadPartCommand({ Bucket: 'multi', Key: 'small', UploadId: up.UploadId, PartNumber: 1, Body: bytes(100, 10) }));
    const part = bytes(200, 11);
    const p1 = await c.send(new UploadPartCommand({ Bucket: 'multi', Key: 'small', UploadId: up.UploadId, PartNumber: 1, Body: part }));
    expect(inlineCount() - inline).toBe(1);
    const listed = await c.send(new ListPartsCommand({ Bucket: 'multi', Key: 'small', UploadId: up.UploadId }));
    expect(listed.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, 200, `"${md5(part)}"`]]);
    const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: 'multi', Key: 'small', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }));
    expect(done.ETag).toBe(`"${md5(Buffer.from(md5(part), 'hex'))}-1"`);
    expect((await body(c, 'multi', 'small')).equals(part)).toBe(true);
    // The part's body went with the upload; the object's own is the one left.
    expect([filesIn(dataDir).length - files, inlineCount() - inline]).toEqual([1 - 1, 1]);

    // A file part and a small last part: the object is a file, and every part's body is gone.
    const big = bytes(S3_LIMITS.minPartBytes, 12);
    const tail = bytes(10, 13);
    const up2 = await c.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'large' }));
    const a = await c.send(new UploadPartCommand({ Bucket: 'multi', Key: 'large', UploadId: up2.UploadId, PartNumber: 1, Body: big }));
    const b = await c.send(new UploadPartCommand({ Bucket: 'multi', Key: 'large', UploadId: up2.UploadId, PartNumber: 2, Body: tail }));
    expect([filesIn(dataDir).length - files, inlineCount() - inline]).toEqual([1, 2]);
    await c.send(
      new CompleteMultipartUploadCommand({ Bucket: 'multi', Key: 'large', UploadId: up2.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }] } }),
    );
    expect((await body(c, 'multi', 'large')).equals(Buffer.concat([big, tail]))).toBe(true);
    expect((await body(c, 'multi', 'large', { Range: `bytes=${big.length - 2}-${big.length + 1}` })).equals(Buffer.concat([big.subarray(-2), tail.subarray(0, 2)]))).toBe(true);
    expect([filesIn(dataDir).length - files, inlineCount() - inline]).toEqual([1, 1]);

    // An aborted upload's small parts are deleted with it.
    const up3 = await c.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'aborted' }));
    for (const n of [1, 2, 3]) await c.send(new UploadPartCommand({ Bucket: 'multi', Key: 'aborted', UploadId: up3.UploadId, PartNumber: n, Body: bytes(50, n) }));
    expect(inlineCount() - inline).toBe(4);
    await c.send(new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'aborted', UploadId: up3.UploadId }));
    expect(inlineCount() - inline).toBe(1);
  });
});

describe('bodies in the database across processes', () => {
  const entries = useEntries('cpl-s3-bodies-entry-');

  it('every answered PutObject survives a SIGKILL right after its answer, small and large, and deletes after a restart remove them', async () => {
    const dataDir = path.join(entries.tmp, 'kill');
    const first = await entries.launch(['--data-dir', dataDir]);
    const c = s3(first.endpoint);
    await c.send(new CreateBucketCommand({ Bucket: 'survive' }));
    const objects = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, data: bytes(i === 7 ? INLINE_BODY_BYTES + 10 : 100 + i, 20 + i) }));
    const versions: string[] = [];
    for (const { key, data } of objects) versions.push((await c.send(new PutObjectCommand({ Bucket: 'survive', Key: key, Body: data }))).VersionId!);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    c.destroy();

    const again = await entries.launch(['--data-dir', dataDir]);
    const c2 = s3(again.endpoint);
    try {
      for (const [i, { key, data }] of objects.entries()) {
        const got = await c2.send(new GetObjectCommand({ Bucket: 'survive', Key: key }));
        expect(got.VersionId).toBe(versions[i]);
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data), key).toBe(true);
      }
      expect(filesIn(dataDir)).toHaveLength(1);
      for (const [i, { key }] of objects.entries()) await c2.send(new DeleteObjectCommand({ Bucket: 'survive', Key: key, VersionId: versions[i] }));
      await c2.send(new DeleteBucketCommand({ Bucket: 'survive' }));
      expect(filesIn(dataDir)).toEqual([]);
    } finally {
      c2.destroy();
    }
  });

  it('a folder whose small bodies are files (written by an earlier version) keeps working: read, range, copy, delete', async () => {
    const dataDir = path.join(entries.tmp, 'older');
    const first = await entries.launch(['--data-dir', dataDir]);
    const c = s3(first.endpoint);
    await c.send(new CreateBucketCommand({ Bucket: 'older' }));
    const data = bytes(500, 30);
    const put = await c.send(new PutObjectCommand({ Bucket: 'older', Key: 'old', Body: data }));
    c.destroy();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // What an earlier version left: the same row, its body a file of the same id.
    const db = new Database(path.join(dataDir, 'codepipeline-local.sqlite'));
    const rows = db.prepare('SELECT id, data FROM s3_bodies').all() as { id: string; data: Buffer }[];
    expect(rows).toHaveLength(1);
    fs.writeFileSync(path.join(dataDir, 's3', 'blobs', rows[0].id), rows[0].data);
    db.prepare('DELETE FROM s3_bodies').run();
    db.close();

    const again = await entries.launch(['--data-dir', dataDir]);
    const c2 = s3(again.endpoint);
    try {
      expect(again.stderr()).not.toContain('not named by the database');
      expect((await body(c2, 'older', 'old')).equals(data)).toBe(true);
      expect((await body(c2, 'older', 'old', { Range: 'bytes=10-19' })).equals(data.subarray(10, 20))).toBe(true);
      const copy = await c2.send(new CopyObjectCommand({ Bucket: 'older', Key: 'copy', CopySource: 'older/old' }));
      expect(copy.CopyObjectResult!.ETag).toBe(`"${md5(data)}"`);
      // The copy of a file is a file (a second name for its bytes).
      expect(filesIn(dataDir)).toHaveLength(2);
      await c2.send(new DeleteObjectCommand({ Bucket: 'older', Key: 'old', VersionId: put.VersionId }));
      expect(filesIn(dataDir)).toHaveLength(1);
      expect((await body(c2, 'older', 'copy')).equals(data)).toBe(true);
    } finally {
      c2.destroy();
    }
  });

  it('a snapshot holds bodies in the database within its database image; a restore and a reset bring back and remove exactly those', async () => {
    const dataDir = path.join(entries.tmp, 'snap');
    const e = await entries.launch(['--data-dir', dataDir]);
    const c = s3(e.endpoint);
    try {
      await c.send(new CreateBucketCommand({ Bucket: 'snap' }));
      const small = bytes(700, 40);
      const large = bytes(INLINE_BODY_BYTES + 700, 41);
      await c.send(new PutObjectCommand({ Bucket: 'snap', Key: 'small', Body: small }));
      await c.send(new PutObjectCommand({ Bucket: 'snap', Key: 'large', Body: large }));
      const snap = await fetch(`${e.endpoint}/_local/snapshot`, { method: 'POST' });
      expect(snap.status).toBe(200);
      const archive = new Uint8Array(await snap.arrayBuffer());
      const entriesOf = Object.keys(unzipSync(archive)).sort();
      // One file body in the archive (the large one); the small one is in the database image.
      expect(entriesOf.filter((n) => n.startsWith('s3/blobs/'))).toEqual(filesIn(dataDir).map((f) => `s3/blobs/${f}`));
      expect(filesIn(dataDir)).toHaveLength(1);

      // Changes after the snapshot: the small object replaced and deleted, a new one.
      const later = await c.send(new PutObjectCommand({ Bucket: 'snap', Key: 'small', Body: bytes(10, 42) }));
      await c.send(new DeleteObjectCommand({ Bucket: 'snap', Key: 'small', VersionId: later.VersionId }));
      await c.send(new PutObjectCommand({ Bucket: 'snap', Key: 'new', Body: bytes(20, 43) }));

      const restored = await fetch(`${e.endpoint}/_local/restore`, { method: 'POST', body: archive });
      expect(await restored.json()).toEqual({ restored: { pipelines: 0, executions: 0, objects: 2, bodies: 2, logs: 0 } });
      expect((await body(c, 'snap', 'small')).equals(small)).toBe(true);
      expect((await body(c, 'snap', 'large')).equals(large)).toBe(true);
      expect((await c.send(new ListObjectsV2Command({ Bucket: 'snap' }))).Contents!.map((o) => o.Key)).toEqual(['large', 'small']);
      expect(filesIn(dataDir)).toHaveLength(1);

      const reset = await fetch(`${e.endpoint}/_local/reset`, { method: 'POST' });
      expect(await reset.json()).toEqual({ reset: { pipelines: 0, executions: 0, objects: 0, bodies: 0, logs: 0 } });
      expect(filesIn(dataDir)).toEqual([]);
      // The restored database holds no body the reset left behind.
      await c.send(new CreateBucketCommand({ Bucket: 'snap' }));
      await c.send(new PutObjectCommand({ Bucket: 'snap', Key: 'after', Body: 'x' }));
      expect((await c.send(new ListObjectsV2Command({ Bucket: 'snap' }))).Contents!.map((o) => o.Key)).toEqual(['after']);
    } finally {
      c.destroy();
    }
  });
});
