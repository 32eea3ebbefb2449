// What every part of the object store shares: the database (and its transactions), the blobs, the
// clock (times kept in whole seconds, as S3 keeps them) and the log.
import type { Db } from '../../store/db.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { Blobs } from './blobs.js';

export class StoreContext {
  constructor(
    readonly db: Db,
    readonly blobs: Blobs,
    private readonly clock: Clock,
    readonly log: Logger,
  ) {}

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Epoch milliseconds, whole seconds. */
  now(): number {
    return Math.floor(this.clock.now() / 1000) * 1000;
  }
}
