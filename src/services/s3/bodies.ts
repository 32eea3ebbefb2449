// Writing a request body into a new blob, with the checks S3 makes on the way: the size limit, the
// announced length (IncompleteBody) and Content-MD5 (InvalidDigest, BadDigest).
import { createHash } from 'node:crypto';
import type { Blobs } from './blobs.js';
import { s3err } from './errors.js';
import { S3_LIMITS } from './limits.js';

export type Body = Uint8Array | AsyncIterable<Uint8Array>;

/** Streams a body into a new blob: size limit, MD5, optional Content-MD5 and length checks. */
export async function writeBody(blobs: Blobs, body: Body, contentMd5?: string, expectedSize?: number): Promise<{ blob: string; size: number; md5: Buffer }> {
  const max = S3_LIMITS.maxObjectBytes;
  if (expectedSize !== undefined && expectedSize > max) throw s3err.entityTooLarge(max, expectedSize);
  let expectedMd5: Buffer | undefined;
  if (contentMd5 !== undefined) {
    expectedMd5 = Buffer.from(contentMd5, 'base64');
    if (expectedMd5.length !== 16 || expectedMd5.toString('base64') !== contentMd5) throw s3err.invalidDigest();
  }
  const writer = await blobs.create();
  const hash = createHash('md5');
  let size = 0;
  try {
    const source: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Uint8Array ? [body] : body;
    for await (const chunk of source) {
      size += chunk.length;
      if (size > max) throw s3err.entityTooLarge(max);
      hash.update(chunk);
      await writer.write(chunk);
    }
    if (expectedSize !== undefined && size !== expectedSize) throw s3err.incompleteBody();
    const md5 = hash.digest();
    if (expectedMd5 && !expectedMd5.equals(md5)) throw s3err.badDigest();
    await writer.finish();
    return { blob: writer.id, size, md5 };
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
