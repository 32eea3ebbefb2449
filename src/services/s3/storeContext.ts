// What every part of the object store shares: the database (and its transactions), the bodies (in the
// database or in files), the clock (times kept in whole seconds, as S3 keeps them) and the log.
import type { Db } from '../../store/db.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { Blobs } from './blobs.js';
import { ObjectBodies } from './objectBodies.js';

export class StoreContext {
  readonly bodies: ObjectBodies;
  /** One transaction wrapper for every tx() (a nested call becomes a savepoint), not one made per call. */
  private readonly inTransaction;

  constructor(
    readonly db: Db,
    blobs: Blobs,
    private readonly clock: Clock,
    readonly log: Logger,
  ) {
    this.bodies = new ObjectBodies(db, blobs);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  tx<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  /** Epoch milliseconds, whole seconds. */
  now(): number {
    return Math.floor(this.clock.now() / 1000) * 1000;
  }
}
