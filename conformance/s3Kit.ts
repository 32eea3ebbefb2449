// What the S3 store's suites share: bodies whose every byte tells its position, and S3's ETag digest.
import { createHash } from 'node:crypto';

/** Hex MD5, the ETag of a body sent whole. */
export const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');

/** n bytes that differ from one position to the next (a range shows exactly which ones came back). */
export const bytes = (n: number, seed = 1) => {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >>> 16;
  }
  return b;
};
