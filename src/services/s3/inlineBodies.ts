// Small object bodies kept in the database (table s3_bodies), under the same opaque ids as the files
// of ./blobs.ts. A row here is written and deleted inside the transaction of the object version or
// part that names it, so it is exactly as durable as that row (the WAL), with no file, no flush and
// no rename of its own. The bytes are read from SQLite each time, never cached beside it.
import type { Db } from '../../store/db.js';

/**
 * Bodies up to this size are kept in the database. SQLite reads blobs below ~100 KB faster than
 * separate files (sqlite.org/intern-v-extern-blob.html, 4 KiB pages). Measured here through the
 * endpoint (bench/s3Bodies.ts), a PutObject of 16 to 128 KiB takes about half the wall and CPU time
 * of a flushed file, with a better p90 too; at 512 KiB the median still gains but the p90 loses
 * (each body adds 128 pages to the write-ahead log, so checkpoints come every few writes).
 */
export const INLINE_BODY_BYTES = 128 * 1024;

export class InlineBodies {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      put: db.prepare<[string, Buffer]>('INSERT INTO s3_bodies (id, data) VALUES (?, ?)'),
      get: db.prepare<[string], Buffer>('SELECT data FROM s3_bodies WHERE id = ?').pluck(),
      slice: db.prepare<[number, number, string], Buffer>('SELECT substr(data, ?, ?) FROM s3_bodies WHERE id = ?').pluck(),
      has: db.prepare<[string], number>('SELECT 1 FROM s3_bodies WHERE id = ?').pluck(),
      delete: db.prepare<[string]>('DELETE FROM s3_bodies WHERE id = ?'),
      count: db.prepare<[], number>('SELECT COUNT(*) FROM s3_bodies').pluck(),
    };
  }

  /** Stores a body; inside the transaction of the row that names it. */
  put(id: string, data: Buffer) {
    this.q.put.run(id, data);
  }

  /** The whole body (a buffer of its own), or undefined when `id` is not kept here (a file). */
  get(id: string): Buffer | undefined {
    return this.q.get.get(id);
  }

  /** The bytes [start, end] (inclusive), or undefined when `id` is not kept here. */
  slice(id: string, start: number, end: number): Buffer | undefined {
    // substr() of a blob counts bytes, from 1.
    return this.q.slice.get(start + 1, end - start + 1, id);
  }

  has(id: string): boolean {
    return this.q.has.get(id) !== undefined;
  }

  /** Deletes the body if it is kept here (inside the transaction that deletes its row): answers whether it was. */
  delete(id: string): boolean {
    return this.q.delete.run(id).changes > 0;
  }

  count(): number {
    return this.q.count.get()!;
  }
}
