// Writing a request body into a new body (./objectBodies.ts), with the checks S3 makes on the way:
// the size limit, the announced length (IncompleteBody) and Content-MD5 (InvalidDigest, BadDigest).
import { createHash } from 'node:crypto';
import { s3err } from './errors.js';
import { S3_LIMITS } from './limits.js';
import type { NewBody, ObjectBodies } from './objectBodies.js';

export type Body = Uint8Array | AsyncIterable<Uint8Array>;

/** Streams a body into a new body (to record with its row): size limit, MD5, optional Content-MD5 and length checks. */
export async function writeBody(bodies: ObjectBodies, body: Body, contentMd5?: string, expectedSize?: number): Promise<{ body: NewBody; size: number; md5: Buffer }> {
  const max = S3_LIMITS.maxObjectBytes;
  if (expectedSize !== undefined && expectedSize > max) throw s3err.entityTooLarge(max, expectedSize);
  let expectedMd5: Buffer | undefined;
  if (contentMd5 !== undefined) {
    expectedMd5 = Buffer.from(contentMd5, 'base64');
    if (expectedMd5.length !== 16 || expectedMd5.toString('base64') !== contentMd5) throw s3err.invalidDigest();
  }
  const writer = bodies.create();
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
    return { body: await writer.finish(), size, md5 };
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
