// The S3-compatible store on the emulator's port, driven by @aws-sdk/client-s3 (path-style) and raw HTTP.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import type { ObjectCreatedEvent } from '../src/services/s3/index.js';
import { INLINE_BODY_BYTES } from '../src/services/s3/inlineBodies.js';
import { ACCOUNT, client, failure, startEmulator } from './harness.js';
import { bytes, md5 } from './s3Kit.js';

const OTHER = '210987654321';

function s3(endpoint: string, opts: { accessKeyId?: string; region?: string } = {}) {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? ACCOUNT, secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}


/** The S3 error an SDK call rejected with: name, HTTP status, and the raw Code. */
async function s3Failure(p: Promise<unknown>) {
  const e = await failure(p);
  return { name: e.name as string, status: e.$metadata?.httpStatusCode as number, code: (e.Code ?? e.name) as string };
}

async function raw(endpoint: string, method: string, pathAndQuery: string, opts: { headers?: Record<string, string>; body?: string | Blob } = {}) {
  const res = await fetch(`${endpoint}${pathAndQuery}`, { method, headers: opts.headers, body: opts.body });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text: buf.toString('utf8'), body: buf };
}

/** Lists every file under dir (relative paths). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('S3-compatible store (in memory)', () => {
  let emu: RunningEmulator;
  let c: S3Client;
  const events: ObjectCreatedEvent[] = [];

  beforeAll(async () => {
    emu = await startEmulator();
    c = s3(emu.endpoint);
    emu.objects.onObjectCreated((e) => events.push(e));
  });
  afterAll(async () => {
    c?.destroy();
    await emu?.stop();
  });

  it('creates, heads, lists and deletes buckets', async () => {
    const created = await c.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' }));
    expect(created.Location).toBe('/alpha-bucket');
    await c.send(new CreateBucketCommand({ Bucket: 'beta.bucket' }));
    const head = await c.send(new HeadBucketCommand({ Bucket: 'alpha-bucket' }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');
    const list = await c.send(new ListBucketsCommand({}));
    expect(list.Buckets!.map((b) => b.Name)).toEqual(['alpha-bucket', 'beta.bucket']);
    expect(list.Buckets![0].CreationDate).toBeInstanceOf(Date);
    expect(list.Owner!.ID).toMatch(/^[0-9a-f]{64}$/);
    // Another account sees only its own buckets.
    const other = s3(emu.endpoint, { accessKeyId: OTHER });
    expect((await other.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    other.destroy();
    await c.send(new DeleteBucketCommand({ Bucket: 'beta.bucket' }));
    expect(await s3Failure(c.send(new HeadBucketCommand({ Bucket: 'beta.bucket' })))).toEqual({ name: 'NotFound', status: 404, code: 'NotFound' });
  });

  it('answers bucket errors with S3 codes and statuses', async () => {
    // us-east-1 keeps the legacy answer (200) for a bucket you already own; other regions say BucketAlreadyOwnedByYou.
    await c.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' }));
    const west = s3(emu.endpoint, { region: 'eu-west-1' });
    expect(await s3Failure(west.send(new CreateBucketCommand({ Bucket: 'alpha-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })))).toEqual({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      code: 'BucketAlreadyOwnedByYou',
    });
    west.destroy();
    const other = s3(emu.endpoint, { accessKeyId: OTHER });
    expect(await s3Failure(other.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' })))).toEqual({ name: 'BucketAlreadyExists', status: 409, code: 'BucketAlreadyExists' });
    other.destroy();
    for (const bad of ['ab', 'UPPER', 'has_underscore', '-leading', 'trailing-', 'a..b', '192.168.1.1', 'x'.repeat(64), 'xn--punycode']) {
      expect(await s3Failure(c.send(new CreateBucketCommand({ Bucket: bad }))), bad).toEqual({ name: 'InvalidBucketName', status: 400, code: 'InvalidBucketName' });
    }
    expect(await s3Failure(c.send(new DeleteBucketCommand({ Bucket: 'no-such-bucket' })))).toEqual({ name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' });
    await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'keep', Body: 'x' }));
    expect(await s3Failure(c.send(new DeleteBucketCommand({ Bucket: 'alpha-bucket' })))).toEqual({ name: 'BucketNotEmpty', status: 409, code: 'BucketNotEmpty' });
  });

  it('puts and gets objects with ETag, type, length, metadata and version ids', async () => {
    const body = 'hello, world';
    const put = await c.send(
      new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain', Metadata: { owner: 'me', 'build-id': '42' } }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(put.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const got = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'dir/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ETag).toBe(`"${md5(body)}"`);
    expect(got.ContentType).toBe('text/plain');
    expect(got.ContentLength).toBe(body.length);
    expect(got.VersionId).toBe(put.VersionId);
    expect(got.Metadata).toEqual({ owner: 'me', 'build-id': '42' });
    expect(got.LastModified!.getTime() % 1000).toBe(0);
    expect(Math.abs(got.LastModified!.getTime() - Date.now())).toBeLessThan(10_000);
    const head = await c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'dir/hello.txt' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(got.ETag);
    expect(head.AcceptRanges).toBe('bytes');
    // A body without Content-Type gets S3's default.
    expect((await raw(emu.endpoint, 'PUT', '/alpha-bucket/untyped', { body: new Blob(['abc']) })).status).toBe(200);
    const r = await raw(emu.endpoint, 'HEAD', '/alpha-bucket/untyped');
    expect(r.headers.get('content-type')).toBe('binary/octet-stream');
    expect(r.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    // Empty objects.
    const empty = await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'empty', Body: new Uint8Array(0) }));
    expect(empty.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'empty' }))).Body!.transformToString()).toBe('');
  });

  it('keeps every version: GET/HEAD/DELETE by versionId, delete markers', async () => {
    const v1 = await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', Body: 'one' }));
    const v2 = await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', Body: 'two' }));
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt' }))).Body!.transformToString()).toBe('two');
    const old = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: v1.VersionId }));
    expect(await old.Body!.transformToString()).toBe('one');
    expect(old.VersionId).toBe(v1.VersionId);
    expect((await c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: v1.VersionId }))).ETag).toBe(`"${md5('one')}"`);
    expect(await s3Failure(c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: 'nope' })))).toEqual({
      name: 'NoSuchVersion',
      status: 404,
      code: 'NoSuchVersion',
    });
    // Deleting without a version id adds a delete marker; older versions stay readable.
    const del = await c.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await s3Failure(c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt' })))).toEqual({ name: 'NoSuchKey', status: 404, code: 'NoSuchKey' });
    const rawGet = await raw(emu.endpoint, 'GET', '/alpha-bucket/v.txt');
    expect(rawGet.headers.get('x-amz-delete-marker')).toBe('true');
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: v2.VersionId }))).Body!.transformToString()).toBe('two');
    // Deleting the marker by id makes v2 current again; deleting v2 by id makes v1 current.
    const unmark = await c.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: del.VersionId }));
    expect(unmark.DeleteMarker).toBe(true);
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt' }))).Body!.transformToString()).toBe('two');
    await c.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt', VersionId: v2.VersionId }));
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'v.txt' }))).Body!.transformToString()).toBe('one');
    // DeleteObject is idempotent for keys that do not exist.
    const again = await c.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'never-existed' }));
    expect(again.$metadata.httpStatusCode).toBe(204);
    expect(await s3Failure(c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'never-existed' })))).toEqual({ name: 'NoSuchKey', status: 404, code: 'NoSuchKey' });
    expect(await s3Failure(c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'never-existed' })))).toEqual({ name: 'NotFound', status: 404, code: 'NotFound' });
    expect(await s3Failure(c.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })))).toEqual({ name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' });
  });

  it('serves byte ranges (206 + Content-Range) and answers InvalidRange with 416', async () => {
    const data = bytes(1000);
    await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'range.bin', Body: data }));
    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=990-', 990, 999],
      ['bytes=-10', 990, 999],
      ['bytes=500-5000', 500, 999],
    ];
    for (const [range, start, end] of cases) {
      const got = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'range.bin', Range: range }));
      expect(got.$metadata.httpStatusCode, range).toBe(206);
      expect(got.ContentRange, range).toBe(`bytes ${start}-${end}/1000`);
      expect(got.ContentLength, range).toBe(end - start + 1);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data.subarray(start, end + 1)), range).toBe(true);
    }
    expect(await s3Failure(c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'range.bin', Range: 'bytes=1000-' })))).toEqual({
      name: 'InvalidRange',
      status: 416,
      code: 'InvalidRange',
    });
    const r = await raw(emu.endpoint, 'GET', '/alpha-bucket/range.bin', { headers: { range: 'bytes=2000-3000' } });
    expect(r.status).toBe(416);
    expect(r.headers.get('content-range')).toBe('bytes */1000');
    expect(r.text).toContain('<Code>InvalidRange</Code>');
    expect(r.text).toContain('<ActualObjectSize>1000</ActualObjectSize>');
    // A syntactically invalid range is ignored: the whole object.
    const whole = await raw(emu.endpoint, 'GET', '/alpha-bucket/range.bin', { headers: { range: 'lines=1-2' } });
    expect(whole.status).toBe(200);
    expect(whole.body.equals(data)).toBe(true);
  });

  it('answers conditional GETs: 304 on If-None-Match, 412 on If-Match', async () => {
    const put = await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'cond', Body: 'c' }));
    expect((await raw(emu.endpoint, 'GET', '/alpha-bucket/cond', { headers: { 'if-none-match': put.ETag! } })).status).toBe(304);
    const failed = await raw(emu.endpoint, 'GET', '/alpha-bucket/cond', { headers: { 'if-match': '"0000"' } });
    expect(failed.status).toBe(412);
    expect(failed.text).toContain('<Code>PreconditionFailed</Code>');
    expect((await raw(emu.endpoint, 'GET', '/alpha-bucket/cond', { headers: { 'if-match': put.ETag! } })).text).toBe('c');
  });

  it('lists with prefix, delimiter (CommonPrefixes), max-keys, continuation and start-after', async () => {
    await c.send(new CreateBucketCommand({ Bucket: 'list-bucket' }));
    const keys = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c/4.txt', 'd.txt', 'e/5.txt'];
    for (const k of keys) await c.send(new PutObjectCommand({ Bucket: 'list-bucket', Key: k, Body: k }));
    const all = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket' }));
    expect(all.Contents!.map((o) => o.Key)).toEqual(keys);
    expect(all.KeyCount).toBe(7);
    expect(all.IsTruncated).toBe(false);
    expect(all.Contents![0]).toMatchObject({ ETag: `"${md5('a.txt')}"`, Size: 5, StorageClass: 'STANDARD' });
    const top = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Delimiter: '/' }));
    expect(top.Contents!.map((o) => o.Key)).toEqual(['a.txt', 'd.txt']);
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/', 'c/', 'e/']);
    expect(top.KeyCount).toBe(5);
    const underB = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Prefix: 'b/', Delimiter: '/' }));
    expect(underB.Contents!.map((o) => o.Key)).toEqual(['b/1.txt', 'b/2.txt']);
    expect(underB.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/c/']);
    expect(underB.Prefix).toBe('b/');
    // Pages of two (keys and common prefixes both count).
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      pages.push([...(page.Contents ?? []).map((o) => o.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!)]);
      expect(page.KeyCount).toBe(pages.at(-1)!.length);
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token);
    // Each page lists its keys, then its common prefixes.
    expect(pages).toEqual([['a.txt', 'b/'], ['d.txt', 'c/'], ['e/']]);
    const after = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', StartAfter: 'b/2.txt' }));
    expect(after.Contents!.map((o) => o.Key)).toEqual(['b/c/3.txt', 'c/4.txt', 'd.txt', 'e/5.txt']);
    expect(after.StartAfter).toBe('b/2.txt');
    const none = await c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Prefix: 'zzz' }));
    expect(none.Contents).toBeUndefined();
    expect(none.KeyCount).toBe(0);
    expect(await s3Failure(c.send(new ListObjectsV2Command({ Bucket: 'list-bucket', ContinuationToken: 'garbage!' })))).toEqual({
      name: 'InvalidArgument',
      status: 400,
      code: 'InvalidArgument',
    });
    expect(await s3Failure(c.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toEqual({ name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' });
    // encoding-type=url (what the AWS CLI asks for) encodes keys.
    await c.send(new PutObjectCommand({ Bucket: 'list-bucket', Key: 'f/a b+c.txt', Body: 'x' }));
    const encoded = await raw(emu.endpoint, 'GET', '/list-bucket?list-type=2&prefix=f%2F&encoding-type=url');
    expect(encoded.text).toContain('<Key>f/a%20b%2Bc.txt</Key>');
    expect(encoded.text).toContain('<EncodingType>url</EncodingType>');
    // The list is S3's XML in S3's namespace.
    expect(encoded.text.startsWith('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')).toBe(true);
  });

  it('lists object versions and delete markers (ListObjectVersions) in S3 order, with owner and storage class', async () => {
    const B = 'versions-bucket';
    await c.send(new CreateBucketCommand({ Bucket: B }));
    const put = async (Key: string, Body: string) => (await c.send(new PutObjectCommand({ Bucket: B, Key, Body }))).VersionId!;
    const a1 = await put('a.txt', 'a1');
    const d1 = await put('doc.txt', 'one');
    const d2 = await put('doc.txt', 'two!');
    const d3 = await put('doc.txt', 'three');
    const marker = (await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc.txt' }))).VersionId!;
    const x1 = await put('dir/x', 'x');
    const y1 = await put('dir/y', 'y');
    const out = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out).toMatchObject({ Name: B, Prefix: '', KeyMarker: '', VersionIdMarker: '', MaxKeys: 1000, IsTruncated: false });
    expect(out.NextKeyMarker).toBeUndefined();
    expect(out.NextVersionIdMarker).toBeUndefined();
    expect(out.CommonPrefixes).toBeUndefined();
    // Keys ascending, each key's versions newest first.
    expect(out.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['a.txt', a1, true],
      ['dir/x', x1, true],
      ['dir/y', y1, true],
      ['doc.txt', d3, false],
      ['doc.txt', d2, false],
      ['doc.txt', d1, false],
    ]);
    const owner = (await c.send(new ListBucketsCommand({}))).Owner!;
    expect(out.Versions![4]).toEqual({ Key: 'doc.txt', VersionId: d2, IsLatest: false, LastModified: expect.any(Date), ETag: `"${md5('two!')}"`, Size: 4, StorageClass: 'STANDARD', Owner: owner });
    expect(out.DeleteMarkers).toEqual([{ Key: 'doc.txt', VersionId: marker, IsLatest: true, LastModified: expect.any(Date), Owner: owner }]);
    // The XML: S3's namespace, <Version> and <DeleteMarker> interleaved in listing order.
    const xml = await raw(emu.endpoint, 'GET', `/${B}?versions&prefix=doc`);
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toBe('application/xml');
    expect(xml.text.startsWith('<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>versions-bucket</Name><Prefix>doc</Prefix><KeyMarker/><VersionIdMarker/><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><DeleteMarker><Key>doc.txt</Key>')).toBe(true);
    expect([...xml.text.matchAll(/<(Version|DeleteMarker)><Key>[^<]*<\/Key><VersionId>([^<]+)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['DeleteMarker', marker],
      ['Version', d3],
      ['Version', d2],
      ['Version', d1],
    ]);
    // Removing a version for good takes it out of the list; removing the marker makes d3 the latest again.
    await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc.txt', VersionId: d2 }));
    await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc.txt', VersionId: marker }));
    const after = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'doc.txt' }));
    expect(after.Versions!.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [d3, true],
      [d1, false],
    ]);
    expect(after.DeleteMarkers).toBeUndefined();
    // An empty bucket, or a prefix nothing has, lists nothing.
    const none = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'zzz' }));
    expect(none).toMatchObject({ IsTruncated: false, Prefix: 'zzz' });
    expect(none.Versions).toBeUndefined();
  });

  it('pages ListObjectVersions across the versions of one key with NextKeyMarker / NextVersionIdMarker', async () => {
    const B = 'versions-pages';
    await c.send(new CreateBucketCommand({ Bucket: B }));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: `v${i}` }))).VersionId!);
    const markerId = (await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }))).VersionId!;
    const z = (await c.send(new PutObjectCommand({ Bucket: B, Key: 'z', Body: 'z' }))).VersionId!;
    const newestFirst = [markerId, ...ids.slice().reverse()];
    const order = [...newestFirst.map((id) => `k:${id}`), `z:${z}`];
    // Pages of two: the markers name the last version returned, and the next page continues inside the key.
    const page1 = await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 2 }));
    expect(page1).toMatchObject({ IsTruncated: true, MaxKeys: 2, NextKeyMarker: 'k', NextVersionIdMarker: newestFirst[1] });
    expect(page1.DeleteMarkers!.map((d) => d.VersionId)).toEqual([markerId]);
    expect(page1.Versions!.map((v) => v.VersionId)).toEqual([newestFirst[1]]);
    const page2 = await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 2, KeyMarker: page1.NextKeyMarker, VersionIdMarker: page1.NextVersionIdMarker }));
    expect(page2).toMatchObject({ IsTruncated: true, KeyMarker: 'k', VersionIdMarker: newestFirst[1], NextKeyMarker: 'k', NextVersionIdMarker: newestFirst[3] });
    expect(page2.Versions!.map((v) => v.VersionId)).toEqual(newestFirst.slice(2, 4));
    expect(page2.DeleteMarkers).toBeUndefined();
    // Every page of one, then of three: all versions once, in order, the last page not truncated.
    for (const size of [1, 3]) {
      const seen: string[] = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: size, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
        pages++;
        const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key}:${v.VersionId}`);
        expect(entries.length).toBeLessThanOrEqual(size);
        // The page's entries in listing order (delete markers and versions interleave in the XML).
        seen.push(...entries.sort((p, q) => order.indexOf(p) - order.indexOf(q)));
        if (!page.IsTruncated) {
          expect(page.NextKeyMarker).toBeUndefined();
          break;
        }
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
      }
      expect(seen).toEqual(order);
      expect(pages).toBe(Math.ceil(7 / size));
    }
    // A key marker alone skips every version of that key.
    const afterK = await c.send(new ListObjectVersionsCommand({ Bucket: B, KeyMarker: 'k' }));
    expect(afterK.Versions!.map((v) => v.Key)).toEqual(['z']);
    expect(afterK.DeleteMarkers).toBeUndefined();
    // The oldest version as the marker continues with the next key.
    const afterOldest = await c.send(new ListObjectVersionsCommand({ Bucket: B, KeyMarker: 'k', VersionIdMarker: ids[0] }));
    expect(afterOldest.Versions!.map((v) => v.VersionId)).toEqual([z]);
    // max-keys above 1000 is 1000; 0 is an empty, untruncated page.
    expect((await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 5000 }))).MaxKeys).toBe(1000);
    const zero = await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 0 }));
    expect(zero).toMatchObject({ IsTruncated: false, MaxKeys: 0 });
    expect(zero.Versions).toBeUndefined();
  });

  it('rolls ListObjectVersions up into CommonPrefixes at a delimiter, and pages across them', async () => {
    const B = 'versions-tree';
    await c.send(new CreateBucketCommand({ Bucket: B }));
    for (const k of ['a.txt', 'b/1.txt', 'b/1.txt', 'b/c/2.txt', 'c/3.txt', 'd.txt', 'd.txt']) await c.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
    await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'c/3.txt' }));
    const top = await c.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/' }));
    expect(top.Delimiter).toBe('/');
    expect(top.Versions!.map((v) => v.Key)).toEqual(['a.txt', 'd.txt', 'd.txt']);
    expect(top.DeleteMarkers).toBeUndefined();
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/', 'c/']);
    const underB = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'b/', Delimiter: '/' }));
    expect(underB.Versions!.map((v) => [v.Key, v.IsLatest])).toEqual([
      ['b/1.txt', true],
      ['b/1.txt', false],
    ]);
    expect(underB.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/c/']);
    const underC = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'c/', Delimiter: '/' }));
    expect(underC.DeleteMarkers!.map((d) => [d.Key, d.IsLatest])).toEqual([['c/3.txt', true]]);
    expect(underC.Versions!.map((v) => [v.Key, v.IsLatest])).toEqual([['c/3.txt', false]]);
    // Pages of two: a common prefix counts as one entry; after it, NextKeyMarker is the prefix (no version id).
    const page1 = await c.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/', MaxKeys: 2 }));
    expect(page1.Versions!.map((v) => v.Key)).toEqual(['a.txt']);
    expect(page1.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/']);
    expect(page1).toMatchObject({ IsTruncated: true, NextKeyMarker: 'b/' });
    expect(page1.NextVersionIdMarker).toBeUndefined();
    const page2 = await c.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/', MaxKeys: 2, KeyMarker: page1.NextKeyMarker }));
    expect(page2.Versions!.map((v) => v.Key)).toEqual(['d.txt']);
    expect(page2.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['c/']);
    expect(page2).toMatchObject({ IsTruncated: true, NextKeyMarker: 'd.txt', NextVersionIdMarker: page2.Versions![0].VersionId });
    const page3 = await c.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/', MaxKeys: 2, KeyMarker: page2.NextKeyMarker, VersionIdMarker: page2.NextVersionIdMarker }));
    expect(page3.Versions!.map((v) => [v.Key, v.IsLatest])).toEqual([['d.txt', false]]);
    expect(page3.IsTruncated).toBe(false);
    // encoding-type=url encodes keys, prefixes and markers.
    await c.send(new PutObjectCommand({ Bucket: B, Key: 'f/a b+c.txt', Body: 'x' }));
    const encoded = await raw(emu.endpoint, 'GET', `/${B}?versions&prefix=f%2F&delimiter=%2F&key-marker=f%2Fa&encoding-type=url`);
    expect(encoded.status).toBe(200);
    expect(encoded.text).toContain('<Prefix>f/</Prefix><KeyMarker>f/a</KeyMarker>');
    expect(encoded.text).toContain('<Key>f/a%20b%2Bc.txt</Key>');
    expect(encoded.text).toContain('<Delimiter>/</Delimiter><EncodingType>url</EncodingType>');
    // (The JavaScript SDK hands encoded keys back as they came; the AWS CLI decodes them.)
    const sdkEncoded = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'f/', EncodingType: 'url' }));
    expect(sdkEncoded.Versions!.map((v) => v.Key)).toEqual(['f/a%20b%2Bc.txt']);
  });

  it('answers ListObjectVersions errors in S3 XML: NoSuchBucket, InvalidArgument', async () => {
    expect(await s3Failure(c.send(new ListObjectVersionsCommand({ Bucket: 'no-such-bucket' })))).toEqual({ name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' });
    const missing = await raw(emu.endpoint, 'GET', '/no-such-bucket?versions');
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>no-such-bucket<\/BucketName><Resource>\/no-such-bucket<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    for (const bad of ['-1', 'abc', '1.5', '99999999999']) {
      const r = await raw(emu.endpoint, 'GET', `/versions-bucket?versions&max-keys=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.text, bad).toContain(`<Code>InvalidArgument</Code><Message>Provided max-keys not an integer or within integer range</Message><ArgumentName>max-keys</ArgumentName><ArgumentValue>${bad}</ArgumentValue>`);
    }
    const noKeyMarker = await raw(emu.endpoint, 'GET', '/versions-bucket?versions&version-id-marker=abc');
    expect(noKeyMarker.status).toBe(400);
    expect(noKeyMarker.text).toContain('<Code>InvalidArgument</Code><Message>A version-id marker cannot be specified without a key marker.</Message><ArgumentName>version-id-marker</ArgumentName><ArgumentValue>abc</ArgumentValue>');
    expect(await s3Failure(c.send(new ListObjectVersionsCommand({ Bucket: 'versions-bucket', KeyMarker: 'doc.txt', VersionIdMarker: 'not-a-version' })))).toEqual({
      name: 'InvalidArgument',
      status: 400,
      code: 'InvalidArgument',
    });
    const badEncoding = await raw(emu.endpoint, 'GET', '/versions-bucket?versions&encoding-type=base64');
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.text).toContain('<Code>InvalidArgument</Code>');
    // ?versions on an object, or with another method, is still not an operation of this store.
    for (const [method, p] of [['GET', '/versions-bucket/doc.txt?versions'], ['PUT', '/versions-bucket?versions'], ['DELETE', '/versions-bucket?versions']]) {
      const r = await raw(emu.endpoint, method, p);
      expect(r.status, `${method} ${p}`).toBe(501);
      expect(r.text, `${method} ${p}`).toContain('<Code>NotImplemented</Code>');
    }
  });

  it('uploads in parts: CreateMultipartUpload / UploadPart / ListParts / Complete, and Abort', async () => {
    const part1 = bytes(5 * 1024 * 1024, 7);
    const part2 = bytes(1234, 9);
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', ContentType: 'application/x-test', Metadata: { a: 'b' } }));
    expect(UploadId).toBeTruthy();
    const p1 = await c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', UploadId, PartNumber: 2, Body: part2 }));
    expect(p1.ETag).toBe(`"${md5(part1)}"`);
    const parts = await c.send(new ListPartsCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', UploadId }));
    expect(parts.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, part1.length, p1.ETag],
      [2, part2.length, p2.ETag],
    ]);
    // Wrong ETag, wrong order, unknown part.
    expect(
      await s3Failure(c.send(new CompleteMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00"' }] } }))),
    ).toEqual({ name: 'InvalidPart', status: 400, code: 'InvalidPart' });
    expect(
      await s3Failure(
        c.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'alpha-bucket',
            Key: 'big/file.bin',
            UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 2, ETag: p2.ETag }, { PartNumber: 1, ETag: p1.ETag }] },
          }),
        ),
      ),
    ).toEqual({ name: 'InvalidPartOrder', status: 400, code: 'InvalidPartOrder' });
    const done = await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'alpha-bucket',
        Key: 'big/file.bin',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
      }),
    );
    const expectedEtag = `"${createHash('md5').update(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')])).digest('hex')}-2"`;
    expect(done.ETag).toBe(expectedEtag);
    expect(done.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(done.Key).toBe('big/file.bin');
    const got = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin' }));
    expect(got.ContentType).toBe('application/x-test');
    expect(got.Metadata).toEqual({ a: 'b' });
    expect(got.ETag).toBe(expectedEtag);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([part1, part2]))).toBe(true);
    // The upload is gone once completed.
    expect(await s3Failure(c.send(new ListPartsCommand({ Bucket: 'alpha-bucket', Key: 'big/file.bin', UploadId })))).toEqual({
      name: 'NoSuchUpload',
      status: 404,
      code: 'NoSuchUpload',
    });
    // Too-small non-last parts; abort.
    const small = await c.send(new CreateMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'small' }));
    const s1 = await c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'small', UploadId: small.UploadId, PartNumber: 1, Body: 'a' }));
    const s2 = await c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'small', UploadId: small.UploadId, PartNumber: 2, Body: 'b' }));
    expect(
      await s3Failure(
        c.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'alpha-bucket',
            Key: 'small',
            UploadId: small.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] },
          }),
        ),
      ),
    ).toEqual({ name: 'EntityTooSmall', status: 400, code: 'EntityTooSmall' });
    expect(await s3Failure(c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'small', UploadId: small.UploadId, PartNumber: 10001, Body: 'a' })))).toEqual({
      name: 'InvalidArgument',
      status: 400,
      code: 'InvalidArgument',
    });
    const aborted = await c.send(new AbortMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'small', UploadId: small.UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(await s3Failure(c.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'small', UploadId: small.UploadId, PartNumber: 3, Body: 'c' })))).toEqual({
      name: 'NoSuchUpload',
      status: 404,
      code: 'NoSuchUpload',
    });
    expect(await s3Failure(c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'small' })))).toEqual({ name: 'NotFound', status: 404, code: 'NotFound' });
  });

  it('copies objects (metadata copied or replaced) and deletes in batches', async () => {
    await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'src.txt', Body: 'source', ContentType: 'text/plain', Metadata: { m: '1' } }));
    const copy = await c.send(new CopyObjectCommand({ Bucket: 'alpha-bucket', Key: 'copy.txt', CopySource: 'alpha-bucket/src.txt' }));
    expect(copy.CopyObjectResult!.ETag).toBe(`"${md5('source')}"`);
    expect(copy.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const got = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'copy.txt' }));
    expect(await got.Body!.transformToString()).toBe('source');
    expect(got.Metadata).toEqual({ m: '1' });
    expect(got.ContentType).toBe('text/plain');
    await c.send(new CopyObjectCommand({ Bucket: 'alpha-bucket', Key: 'copy2.txt', CopySource: 'alpha-bucket/src.txt', MetadataDirective: 'REPLACE', Metadata: { n: '2' }, ContentType: 'text/x' }));
    const got2 = await c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'copy2.txt' }));
    expect(got2.Metadata).toEqual({ n: '2' });
    expect(got2.ContentType).toBe('text/x');
    expect(await s3Failure(c.send(new CopyObjectCommand({ Bucket: 'alpha-bucket', Key: 'x', CopySource: 'alpha-bucket/missing' })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
      code: 'NoSuchKey',
    });
    expect(await s3Failure(c.send(new CopyObjectCommand({ Bucket: 'alpha-bucket', Key: 'src.txt', CopySource: 'alpha-bucket/src.txt' })))).toEqual({
      name: 'InvalidRequest',
      status: 400,
      code: 'InvalidRequest',
    });
    const del = await c.send(new DeleteObjectsCommand({ Bucket: 'alpha-bucket', Delete: { Objects: [{ Key: 'copy.txt' }, { Key: 'copy2.txt' }, { Key: 'absent' }] } }));
    expect(del.Deleted!.map((d) => [d.Key, d.DeleteMarker ?? false])).toEqual([
      ['copy.txt', true],
      ['copy2.txt', true],
      ['absent', false],
    ]);
    expect(await s3Failure(c.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'copy.txt' })))).toMatchObject({ status: 404 });
  });

  it('rejects bad keys and sizes with S3 errors, never a 500', async () => {
    expect(await s3Failure(c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'k'.repeat(1025), Body: 'x' })))).toEqual({
      name: 'KeyTooLongError',
      status: 400,
      code: 'KeyTooLongError',
    });
    expect(await s3Failure(c.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })))).toEqual({ name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' });
    const badMd5 = await raw(emu.endpoint, 'PUT', '/alpha-bucket/md5', { headers: { 'content-md5': createHash('md5').update('other').digest('base64') }, body: 'data' });
    expect(badMd5.status).toBe(400);
    expect(badMd5.text).toContain('<Code>BadDigest</Code>');
    const badUri = await raw(emu.endpoint, 'GET', '/alpha-bucket/%E0%A4%A');
    expect(badUri.status).toBe(400);
    expect(badUri.text).toContain('<Code>InvalidURI</Code>');
    const ctl = await raw(emu.endpoint, 'PUT', '/alpha-bucket/a%01b', { body: 'x' });
    expect(ctl.status).toBe(400);
    expect(ctl.text).toContain('<Code>InvalidArgument</Code>');
    const unsupported = await raw(emu.endpoint, 'GET', '/alpha-bucket?policy');
    expect(unsupported.status).toBe(501);
    expect(unsupported.text).toContain('<Code>NotImplemented</Code>');
    const malformed = await raw(emu.endpoint, 'POST', '/alpha-bucket?delete', { body: '<Delete><Object>' });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('<Code>MalformedXML</Code>');
    const badCreate = await raw(emu.endpoint, 'PUT', '/xml-bucket', { body: 'not xml' });
    expect(badCreate.status).toBe(400);
    expect(badCreate.text).toContain('<Code>MalformedXML</Code>');
    const maxKeys = await raw(emu.endpoint, 'GET', '/alpha-bucket?list-type=2&max-keys=-1');
    expect(maxKeys.status).toBe(400);
    expect(maxKeys.text).toContain('<Code>InvalidArgument</Code>');
    // The error document's shape.
    const missing = await raw(emu.endpoint, 'GET', '/alpha-bucket/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/xml');
    expect(missing.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>nothing-here<\/Key><Resource>\/alpha-bucket\/nothing-here<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    expect(missing.text).toContain(`<RequestId>${missing.headers.get('x-amz-request-id')}</RequestId>`);
  });

  it('answers odd requests with S3 errors, never a 500', async () => {
    const cases: [string, string, Record<string, string>?, string?][] = [
      ['GET', '/alpha-bucket/cond?response-content-type=a%0D%0Ab'],
      ['PATCH', '/alpha-bucket/cond'],
      ['PATCH', '/alpha-bucket'],
      ['PUT', '/'],
      ['DELETE', '/'],
      ['GET', '/%00/%00'],
      ['PUT', '/alpha-bucket/x?partNumber=1&uploadId=nope', {}, 'data'],
      ['POST', '/alpha-bucket/x?uploadId=nope', {}, '<CompleteMultipartUpload/>'],
      ['DELETE', '/alpha-bucket/x?uploadId=nope'],
      ['GET', '/alpha-bucket/x?uploadId=nope'],
      ['GET', '/alpha-bucket?list-type=2&continuation-token='],
      ['GET', '/alpha-bucket?list-type=2&encoding-type=base64'],
      ['GET', '/alpha-bucket/cond?versionId='],
      ['PUT', '/alpha-bucket/copy-bad', { 'x-amz-copy-source': 'nobucketnokey' }],
      ['PUT', '/alpha-bucket/copy-bad', { 'x-amz-copy-source': '/alpha-bucket/cond', 'x-amz-metadata-directive': 'MERGE' }],
      ['PUT', '/alpha-bucket/meta', { 'x-amz-meta-big': 'x'.repeat(3000) }, 'x'],
      ['PUT', '/alpha-bucket/len', { 'x-amz-decoded-content-length': 'abc', 'content-encoding': 'aws-chunked' }, '0\r\n\r\n'],
      ['POST', '/alpha-bucket?delete', {}, '<Delete></Delete>'],
      ['POST', '/alpha-bucket/x', {}, ''],
      ['GET', '/alpha-bucket/' + encodeURIComponent('k'.repeat(2000))],
      ['PUT', '/alpha-bucket?versioning', {}, ''],
    ];
    for (const [method, p, headers, body] of cases) {
      const r = await raw(emu.endpoint, method, p, { headers, ...(body !== undefined && { body }) });
      const label = `${method} ${p}`;
      expect(r.status, label).toBeGreaterThanOrEqual(400);
      expect([400, 404, 405, 409, 411, 412, 416, 501], label).toContain(r.status);
      expect(r.headers.get('x-amz-request-id'), label).toMatch(/^[0-9A-F]{16}$/);
      expect(r.text, label).toMatch(/<Error><Code>[A-Za-z]+<\/Code>/);
    }
    // The server still answers.
    expect((await c.send(new HeadBucketCommand({ Bucket: 'alpha-bucket' }))).$metadata.httpStatusCode).toBe(200);
  });

  it('answers EntityTooLarge up front for a body over the limit', async () => {
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${emu.endpoint}/alpha-bucket/huge`, { method: 'PUT', headers: { 'content-length': String(2 * 1024 * 1024 * 1024) } }, (r) => {
        let text = '';
        r.on('data', (d) => (text += d));
        r.on('end', () => resolve({ status: r.statusCode!, text }));
      });
      req.on('error', reject);
      req.write('partial');
      // Headers and a little of the body only: the answer must not wait for the rest.
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>EntityTooLarge</Code>');
    expect(res.text).toContain('<MaxSizeAllowed>1073741824</MaxSizeAllowed>');
  });

  it('decodes aws-chunked bodies (signed chunks and unsigned with a trailing checksum)', async () => {
    const signed =
      '5;chunk-signature=aaaa\r\nhello\r\n6;chunk-signature=bbbb\r\n world\r\n0;chunk-signature=cccc\r\n\r\n';
    const r1 = await raw(emu.endpoint, 'PUT', '/alpha-bucket/chunked-signed', {
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '11',
        'content-type': 'text/plain',
      },
      body: signed,
    });
    expect(r1.status).toBe(200);
    expect(r1.headers.get('etag')).toBe(`"${md5('hello world')}"`);
    const unsigned = 'b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
    const r2 = await raw(emu.endpoint, 'PUT', '/alpha-bucket/chunked-trailer', {
      headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32' },
      body: unsigned,
    });
    expect(r2.status).toBe(200);
    const got = await raw(emu.endpoint, 'GET', '/alpha-bucket/chunked-trailer');
    expect(got.text).toBe('hello world');
    expect(got.headers.get('content-encoding')).toBeNull();
    const broken = await raw(emu.endpoint, 'PUT', '/alpha-bucket/chunked-broken', {
      headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked' },
      body: 'zz\r\nhello',
    });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('<Code>IncompleteBody</Code>');
    // The SDK's own streaming upload (a stream body of known length).
    const { Readable } = await import('node:stream');
    const data = bytes(200_000, 3);
    await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'sdk-stream', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    const back = await c.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'sdk-stream' }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('tells object-created listeners about every new version, after it is readable', async () => {
    events.length = 0;
    const seen: string[] = [];
    const off = emu.objects.onObjectCreated((e) => {
      // The version is committed when the listener runs.
      seen.push(emu.objects.getVersion(e.bucket, e.key, e.versionId)?.etag ?? 'missing');
    });
    const put = await c.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'evt/one', Body: 'e1' }));
    off();
    expect(events).toEqual([
      { account: ACCOUNT, region: 'us-east-1', bucket: 'alpha-bucket', key: 'evt/one', versionId: put.VersionId, etag: `"${md5('e1')}"`, size: 2, time: expect.any(Number) },
    ]);
    expect(seen).toEqual([`"${md5('e1')}"`]);
  });

  it('implements ArtifactObjects for the engine: implicit buckets, versions', async () => {
    const loc = { bucket: 'codepipeline-us-east-1-local', key: 'my-pipeline/SourceArti/abc1234' };
    const zip = Buffer.from('PK-not-really-a-zip');
    const a = await emu.engine.artifacts.put(ACCOUNT, loc, zip);
    expect(a.etag).toBe(`"${md5(zip)}"`);
    const b = await emu.engine.artifacts.put(ACCOUNT, loc, Buffer.from('second'));
    expect((await emu.engine.artifacts.get(loc))!.toString()).toBe('second');
    expect((await emu.engine.artifacts.get(loc, a.versionId))!.equals(zip)).toBe(true);
    expect(await emu.engine.artifacts.get({ bucket: loc.bucket, key: 'missing' })).toBeUndefined();
    expect(await emu.engine.artifacts.get({ bucket: 'no-such-bucket', key: 'x' })).toBeUndefined();
    expect(emu.engine.objects).toBe(emu.objects);
    // A job worker can fetch it over S3 with the location GetJobDetails gives.
    const got = await c.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: b.versionId }));
    expect(await got.Body!.transformToString()).toBe('second');
    expect(got.ContentType).toBe('application/zip');
  });

  it('keeps CodePipeline, /_health and emulator routes working on the same port', async () => {
    const cp = client(emu.endpoint);
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    cp.destroy();
    const health = await fetch(`${emu.endpoint}/_health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    // GET / unsigned is ListBuckets.
    const root = await raw(emu.endpoint, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.text).toContain('<ListAllMyBucketsResult');
    // A preflight from a local page on an S3 path answers CORS.
    const pre = await raw(emu.endpoint, 'OPTIONS', '/alpha-bucket/x', { headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'PUT' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
  });
});

describe('S3-compatible store (data folder)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-s3-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A body over the size the database keeps itself: a file under <dataDir>/s3/blobs. */
  const fileBody = (text: string) => text.padEnd(INLINE_BODY_BYTES + 1, '.');

  it('stores bodies under opaque ids inside <dataDir>/s3 whatever the key, and keeps them across a restart', async () => {
    const dataDir = path.join(dir, 'data');
    const outside = path.join(dir, 'outside-marker');
    const before = filesUnder(dir);
    const emu = await startEmulator({ inMemory: false, dataDir });
    const c = s3(emu.endpoint);
    await c.send(new CreateBucketCommand({ Bucket: 'safe-bucket' }));
    const keys = [
      '../outside-marker',
      '../../../../../../tmp/cpl-escape',
      '/etc/passwd',
      'a/../../b',
      'sp ace/ünïcødé 🚀.txt',
      '..',
      '.',
      'x'.repeat(1000),
      'C:\\Windows\\evil',
      'trailing/',
    ];
    const versions: Record<string, string> = {};
    for (const [i, key] of keys.entries()) {
      const put = await c.send(new PutObjectCommand({ Bucket: 'safe-bucket', Key: key, Body: fileBody(`body-${i}`) }));
      versions[key] = put.VersionId!;
    }
    const listed = await c.send(new ListObjectsV2Command({ Bucket: 'safe-bucket' }));
    expect(listed.Contents!.map((o) => o.Key).sort()).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) {
      expect(await (await c.send(new GetObjectCommand({ Bucket: 'safe-bucket', Key: key }))).Body!.transformToString(), key).toBe(fileBody(`body-${i}`));
    }
    // Nothing was written outside the data folder, and object bodies only under <dataDir>/s3 by opaque ids.
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync('/tmp/cpl-escape')).toBe(false);
    expect(filesUnder(dir).filter((f) => !f.startsWith(`data${path.sep}`))).toEqual(before);
    const s3Files = filesUnder(path.join(dataDir, 's3'));
    expect(s3Files).toHaveLength(keys.length);
    for (const f of s3Files) expect(f).toMatch(/^blobs\/[0-9a-f]{32}$/);
    c.destroy();
    await emu.stop();

    // Restart on the same folder: buckets, objects and versions are all there.
    const again = await startEmulator({ inMemory: false, dataDir });
    const c2 = s3(again.endpoint);
    try {
      expect((await c2.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name)).toEqual(['safe-bucket']);
      for (const [i, key] of keys.entries()) {
        const got = await c2.send(new GetObjectCommand({ Bucket: 'safe-bucket', Key: key }));
        expect(await got.Body!.transformToString(), key).toBe(fileBody(`body-${i}`));
        expect(got.VersionId).toBe(versions[key]);
      }
      // Deleting every version removes the bodies; then the bucket can go.
      for (const key of keys) await c2.send(new DeleteObjectCommand({ Bucket: 'safe-bucket', Key: key, VersionId: versions[key] }));
      await c2.send(new DeleteBucketCommand({ Bucket: 'safe-bucket' }));
      await new Promise((r) => setTimeout(r, 100));
      expect(filesUnder(path.join(dataDir, 's3'))).toEqual([]);
    } finally {
      c2.destroy();
      await again.stop();
    }
  });

  it('a copy is a body of its own on disk (a second name for the same bytes): deleting the source or the copy leaves the other whole', async () => {
    const dataDir = path.join(dir, 'copies');
    const emu = await startEmulator({ inMemory: false, dataDir });
    const c = s3(emu.endpoint);
    try {
      await c.send(new CreateBucketCommand({ Bucket: 'copy-bucket' }));
      const src = await c.send(new PutObjectCommand({ Bucket: 'copy-bucket', Key: 'src', Body: fileBody('shared bytes') }));
      const one = await c.send(new CopyObjectCommand({ Bucket: 'copy-bucket', Key: 'one', CopySource: 'copy-bucket/src' }));
      const two = await c.send(new CopyObjectCommand({ Bucket: 'copy-bucket', Key: 'two', CopySource: 'copy-bucket/one' }));
      expect(filesUnder(path.join(dataDir, 's3'))).toHaveLength(3);
      await c.send(new DeleteObjectCommand({ Bucket: 'copy-bucket', Key: 'src', VersionId: src.VersionId }));
      expect(await (await c.send(new GetObjectCommand({ Bucket: 'copy-bucket', Key: 'one' }))).Body!.transformToString()).toBe(fileBody('shared bytes'));
      await c.send(new DeleteObjectCommand({ Bucket: 'copy-bucket', Key: 'one', VersionId: one.VersionId }));
      expect(await (await c.send(new GetObjectCommand({ Bucket: 'copy-bucket', Key: 'two' }))).Body!.transformToString()).toBe(fileBody('shared bytes'));
      expect(filesUnder(path.join(dataDir, 's3'))).toHaveLength(1);
      await c.send(new DeleteObjectCommand({ Bucket: 'copy-bucket', Key: 'two', VersionId: two.VersionId }));
      expect(filesUnder(path.join(dataDir, 's3'))).toEqual([]);
    } finally {
      c.destroy();
      await emu.stop();
    }
  });

  it('at start-up removes bodies cut short mid-write, and keeps complete bodies nothing refers to (they are never deleted)', async () => {
    const dataDir = path.join(dir, 'sweep');
    const emu = await startEmulator({ inMemory: false, dataDir });
    await emu.stop();
    const partial = path.join(dataDir, 's3', 'blobs', '0123456789abcdef0123456789abcdef.partial');
    const unknown = path.join(dataDir, 's3', 'blobs', 'fedcba9876543210fedcba9876543210');
    fs.writeFileSync(partial, 'cut sh');
    fs.writeFileSync(unknown, 'complete');
    const again = await startEmulator({ inMemory: false, dataDir });
    await again.stop();
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.readFileSync(unknown, 'utf8')).toBe('complete');
  });
});
