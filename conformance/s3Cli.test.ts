// The AWS CLI (v1) against the S3-compatible store: `aws s3 mb/cp/ls/rm/rb` (multipart above 8 MB,
// ranged downloads), `aws s3api put-object/get-object` and `aws s3api list-object-versions`.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { startEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';

const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws ...` asynchronously (the emulator shares this event loop, so never a sync spawn). */
function aws(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', emu.endpoint, ...args], { env: clientEnv(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ok = (r: Run) => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function pseudoRandom(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b.writeUInt32LE(x, Math.min(i, n - 4));
  }
  return b;
}

let emu: RunningEmulator;
let tmp: string;

describe.skipIf(!hasAws)(hasAws ? 'AWS CLI v1 against the S3 store' : 'AWS CLI v1 against the S3 store (skipped: `aws` is not on PATH)', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-s3cli-'));
    emu = await startEmulator({ inMemory: false, dataDir: path.join(tmp, 'data') });
  });
  afterAll(async () => {
    await emu?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('s3 mb, then s3 ls lists the bucket', async () => {
    expect(ok(await aws(['s3', 'mb', 's3://cli-bucket']))).toBe('make_bucket: cli-bucket\n');
    const ls = ok(await aws(['s3', 'ls']));
    expect(ls).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} cli-bucket\n$/);
  });

  it('s3 mb of an invalid name fails with the S3 error', async () => {
    const bad = await aws(['s3', 'mb', 's3://Bad_Name']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidBucketName');
  });

  it('s3 cp uploads small and large (multipart) files, and downloads identical bytes', async () => {
    const small = path.join(tmp, 'small.txt');
    fs.writeFileSync(small, 'small file\n');
    const big = path.join(tmp, 'big.bin');
    const bigData = pseudoRandom(9 * 1024 * 1024 + 123, 5);
    fs.writeFileSync(big, bigData);
    ok(await aws(['s3', 'cp', small, 's3://cli-bucket/docs/small.txt', '--only-show-errors']));
    ok(await aws(['s3', 'cp', big, 's3://cli-bucket/data/big file.bin', '--only-show-errors']));
    // The large file went up in parts: its ETag is an MD5 of part MD5s with the part count.
    const head = JSON.parse(ok(await aws(['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'data/big file.bin'])));
    expect(head.ContentLength).toBe(bigData.length);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const back = path.join(tmp, 'back.bin');
    ok(await aws(['s3', 'cp', 's3://cli-bucket/data/big file.bin', back, '--only-show-errors']));
    expect(md5(fs.readFileSync(back))).toBe(md5(bigData));
    const smallBack = path.join(tmp, 'small-back.txt');
    ok(await aws(['s3', 'cp', 's3://cli-bucket/docs/small.txt', smallBack, '--only-show-errors']));
    expect(fs.readFileSync(smallBack, 'utf8')).toBe('small file\n');
  });

  it('s3 ls lists prefixes and keys (including keys with spaces)', async () => {
    const top = ok(await aws(['s3', 'ls', 's3://cli-bucket/']));
    expect(top).toBe('                           PRE data/\n                           PRE docs/\n');
    const data = ok(await aws(['s3', 'ls', 's3://cli-bucket/data/']));
    expect(data).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\s+${9 * 1024 * 1024 + 123} big file.bin\\n$`));
    const recursive = ok(await aws(['s3', 'ls', 's3://cli-bucket', '--recursive']));
    expect(recursive.trim().split('\n').map((l) => l.split(/\s+/).slice(3).join(' '))).toEqual(['data/big file.bin', 'docs/small.txt']);
  });

  it('s3api put-object / get-object round-trip with version ids and metadata', async () => {
    const file = path.join(tmp, 'api.txt');
    fs.writeFileSync(file, 'through s3api');
    const put = JSON.parse(
      ok(await aws(['s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'api/obj.txt', '--body', file, '--content-type', 'text/plain', '--metadata', 'team=ci'])),
    );
    expect(put.ETag).toBe(`"${md5(Buffer.from('through s3api'))}"`);
    expect(put.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const out = path.join(tmp, 'api-out.txt');
    const got = JSON.parse(ok(await aws(['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'api/obj.txt', '--version-id', put.VersionId, out])));
    expect(got).toMatchObject({ ContentLength: 13, ContentType: 'text/plain', ETag: put.ETag, VersionId: put.VersionId, Metadata: { team: 'ci' } });
    expect(fs.readFileSync(out, 'utf8')).toBe('through s3api');
    const missing = await aws(['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'api/none', out]);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain('An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.');
  });

  it('s3api list-object-versions lists the revisions of a key, newest first, with the delete marker (exact JSON)', async () => {
    const B = 'cli-versions';
    ok(await aws(['s3api', 'create-bucket', '--bucket', B]));
    const put = async (key: string, body: string) => {
      const file = path.join(tmp, 'rev.txt');
      fs.writeFileSync(file, body);
      return JSON.parse(ok(await aws(['s3api', 'put-object', '--bucket', B, '--key', key, '--body', file]))).VersionId as string;
    };
    const v1 = await put('src/app.zip', 'revision one');
    const v2 = await put('src/app.zip', 'revision two!');
    const del = JSON.parse(ok(await aws(['s3api', 'delete-object', '--bucket', B, '--key', 'src/app.zip'])));
    expect(del.DeleteMarker).toBe(true);
    const v3 = await put('src/app.zip', 'revision 3');
    const spaced = await put('src/a b.zip', 'spaced');
    await put('other/app.zip', 'elsewhere');
    const owner = { DisplayName: 'local-123456789012', ID: createHash('sha256').update('123456789012').digest('hex') };
    const modified = (key: string, versionId: string) => new Date(emu.objects.getVersion(B, key, versionId)!.lastModified).toISOString();
    const version = (key: string, versionId: string, body: string, isLatest: boolean) => ({
      ETag: `"${md5(Buffer.from(body))}"`,
      Size: Buffer.byteLength(body),
      StorageClass: 'STANDARD',
      Key: key,
      VersionId: versionId,
      IsLatest: isLatest,
      LastModified: modified(key, versionId),
      Owner: owner,
    });
    // The CLI prints members in the order of the API's shapes: the whole document is compared as text.
    const expected = {
      Versions: [version('src/app.zip', v3, 'revision 3', true), version('src/app.zip', v2, 'revision two!', false), version('src/app.zip', v1, 'revision one', false)],
      DeleteMarkers: [{ Owner: owner, Key: 'src/app.zip', VersionId: del.VersionId, IsLatest: false, LastModified: modified('src/app.zip', del.VersionId) }],
      RequestCharged: null,
      Prefix: 'src/app.zip',
    };
    expect(ok(await aws(['s3api', 'list-object-versions', '--bucket', B, '--prefix', 'src/app.zip']))).toBe(`${JSON.stringify(expected, null, 4)}\n`);
    // Pages of one (the CLI follows NextKeyMarker / NextVersionIdMarker) add up to the same answer.
    expect(JSON.parse(ok(await aws(['s3api', 'list-object-versions', '--bucket', B, '--prefix', 'src/app.zip', '--page-size', '1'])))).toEqual(expected);
    // The CLI asks for encoding-type=url and decodes keys; a delimiter rolls keys up into common prefixes.
    const src = JSON.parse(ok(await aws(['s3api', 'list-object-versions', '--bucket', B, '--prefix', 'src/', '--delimiter', '/', '--no-paginate'])));
    expect(src.Versions.map((v: { Key: string; VersionId: string }) => [v.Key, v.VersionId])).toEqual([
      ['src/a b.zip', spaced],
      ['src/app.zip', v3],
      ['src/app.zip', v2],
      ['src/app.zip', v1],
    ]);
    expect(src).toMatchObject({ IsTruncated: false, KeyMarker: '', VersionIdMarker: '', Name: B, Prefix: 'src/', Delimiter: '/', MaxKeys: 1000, EncodingType: 'url' });
    const top = JSON.parse(ok(await aws(['s3api', 'list-object-versions', '--bucket', B, '--delimiter', '/'])));
    expect(top).toEqual({ CommonPrefixes: [{ Prefix: 'other/' }, { Prefix: 'src/' }], RequestCharged: null, Prefix: '' });
    const missing = await aws(['s3api', 'list-object-versions', '--bucket', 'no-such-cli-bucket']);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain('An error occurred (NoSuchBucket) when calling the ListObjectVersions operation: The specified bucket does not exist');
    // Leave only cli-bucket behind (the last test lists buckets).
    for (const key of ['src/app.zip', 'src/a b.zip', 'other/app.zip']) emu.objects.deleteObject(B, key);
    emu.objects.deleteBucket(B);
  }, 120_000); // 13 AWS CLI runs, each about 1 s of Python start-up alone: more than 30 s on a busy machine

  it('s3 rm removes objects; s3 rb removes the emptied bucket', async () => {
    expect(ok(await aws(['s3', 'rm', 's3://cli-bucket/docs/small.txt']))).toBe('delete: s3://cli-bucket/docs/small.txt\n');
    const rb = await aws(['s3', 'rb', 's3://cli-bucket']);
    expect(rb.code).not.toBe(0);
    expect(rb.stderr).toContain('BucketNotEmpty');
    ok(await aws(['s3', 'rm', 's3://cli-bucket', '--recursive', '--only-show-errors']));
    expect(ok(await aws(['s3', 'ls', 's3://cli-bucket', '--recursive']))).toBe('');
    expect(ok(await aws(['s3', 'rb', 's3://cli-bucket']))).toBe('remove_bucket: cli-bucket\n');
    expect(ok(await aws(['s3', 'ls']))).toBe('');
  });
});
