// S3 request documents (DeleteObjects, CompleteMultipartUpload, CreateBucket) are bounded as S3 bounds
// them and parsed without stalling the server: too many keys is MalformedXML, a body over the size S3
// reads is MaxMessageLengthExceeded (never a 500), and /_health answers while a large one is parsed.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { S3_LIMITS } from '../src/services/s3/store.js';
import { ACCOUNT, startEmulator } from './harness.js';

let emu: RunningEmulator;
let s3: S3Client;

beforeAll(async () => {
  emu = await startEmulator();
  s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'limits' }));
});
afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
});

/** Sends a raw request; `chunked` leaves the length unannounced (Transfer-Encoding: chunked). */
function send(method: string, path: string, body: string, chunked = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emu.endpoint}${path}`, { method, headers: chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    if (chunked) for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.slice(at, at + 64 * 1024));
    else req.write(body);
    req.end();
  });
}

const code = (text: string) => /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}` }));

describe('DeleteObjects', () => {
  it('takes up to 1,000 keys; 1,001 is MalformedXML, as S3', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'limits', Key: 'k0', Body: 'x' }));
    const ok = await s3.send(new DeleteObjectsCommand({ Bucket: 'limits', Delete: { Objects: keys(1000) } }));
    expect(ok.Deleted).toHaveLength(1000);
    const refused = await s3.send(new DeleteObjectsCommand({ Bucket: 'limits', Delete: { Objects: keys(1001) } })).catch((e: S3ServiceException) => e);
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect([(refused as S3ServiceException).name, (refused as S3ServiceException).$metadata.httpStatusCode]).toEqual(['MalformedXML', 400]);
  });
});

describe('a request document over the size S3 reads', () => {
  const huge = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(Math.ceil((S3_LIMITS.maxXmlBytes + 1) / 29))}</Delete>`;

  it.each([
    ['DeleteObjects', 'POST', '/limits?delete'],
    ['CreateBucket', 'PUT', '/limits-huge'],
  ])('%s: MaxMessageLengthExceeded, announced or streamed', async (_, method, path) => {
    for (const chunked of [false, true]) {
      const r = await send(method, path, huge, chunked);
      expect([r.status, code(r.text)], `chunked: ${chunked}`).toEqual([400, 'MaxMessageLengthExceeded']);
      expect(r.text).toContain('<Message>Your request was too big.</Message>');
    }
  });

  it('CompleteMultipartUpload: MaxMessageLengthExceeded', async () => {
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'limits', Key: 'multi' }));
    const body = `<CompleteMultipartUpload>${'<Part><PartNumber>1</PartNumber><ETag>"e"</ETag></Part>'.repeat(Math.ceil(S3_LIMITS.maxXmlBytes / 50))}</CompleteMultipartUpload>`;
    const r = await send('POST', `/limits/multi?uploadId=${upload.UploadId}`, body);
    expect([r.status, code(r.text)]).toEqual([400, 'MaxMessageLengthExceeded']);
  });
});

describe('a large request document being parsed', () => {
  it('does not hold up the server: /_health answers before it', async () => {
    // Slow to parse (tens of thousands of elements, 600 KB, within S3's document limit): parsed in one go,
    // nothing else could be answered from then until its answer. Parsed in 8 KB chunks, one per turn of
    // the event loop, it gives /_health some 75 turns, where a new connection's request needs a few.
    const filler = '<Quiet>false</Quiet>';
    const doc = `<Delete><Object><Key>k0</Key></Object>${filler.repeat(30000)}</Delete>`;
    const order: string[] = [];
    let bodySent!: () => void;
    const sent = new Promise<void>((resolve) => (bodySent = resolve));
    const deletion = new Promise<number>((resolve, reject) => {
      const req = http.request(`${emu.endpoint}/limits?delete`, { method: 'POST', headers: { 'content-length': String(doc.length) } }, (res) => {
        res.resume();
        res.on('end', () => {
          order.push('DeleteObjects');
          resolve(res.statusCode!);
        });
      });
      req.on('error', reject);
      req.end(doc, () => bodySent());
    });
    await sent;
    const health = await fetch(`${emu.endpoint}/_health`);
    order.push('health');
    expect(health.status).toBe(200);
    expect(await deletion).toBe(200);
    expect(order).toEqual(['health', 'DeleteObjects']);
  });
});
