import { randomBytes } from 'node:crypto';

// Random bytes for ids, taken from a pool refilled 4 KiB at a time: each object write draws two ids
// (its body and its version), and one call into the system's generator per id cost more than the
// rest of the id's work. Each byte is handed out once.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function random(bytes: number): Buffer {
  if (used + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    used = 0;
  }
  const out = pool.subarray(used, used + bytes);
  used += bytes;
  return out;
}

/** A random id of URL-safe characters that never starts with '-': the AWS CLI reads an argument
 *  such as `--version-id -abc` as an option, so an id with a leading dash could not be passed back. */
export function randomId(bytes: number): string {
  const id = random(bytes).toString('base64url');
  return id.startsWith('-') ? `A${id.slice(1)}` : id;
}

/** A random id of 2 * `bytes` lowercase hex digits (the names of object bodies). */
export const randomHex = (bytes: number): string => random(bytes).toString('hex');
