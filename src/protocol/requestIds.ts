// Request ids (x-amzn-RequestId): UUID-shaped as AWS's are, unique per answer. A random UUID per
// request cost a call into the crypto binding on every cached read; here a process draws one random
// UUID and numbers its requests in the last group: its first 74 random bits keep ids unique across
// restarts and processes (each start draws anew), the counter within one. Version 4 and its variant
// bits stay as drawn, so the ids still parse as version-4 UUIDs.
import { randomUUID } from 'node:crypto';

/** Ids per drawn prefix: the 12 hex digits of the last group. */
const PER_PREFIX = 2 ** 48;

let prefix = '';
let next = PER_PREFIX;

/** A fresh request id, e.g. `3f1c9a2e-7b4d-4e15-9a0c-00000000002a`. */
export function newRequestId(): string {
  if (next >= PER_PREFIX) {
    // "xxxxxxxx-xxxx-4xxx-yxxx-": the random part of a new UUID, its last group replaced by the counter.
    prefix = randomUUID().slice(0, 24);
    next = 0;
  }
  const n = (next++).toString(16);
  return prefix + '000000000000'.slice(n.length) + n;
}
