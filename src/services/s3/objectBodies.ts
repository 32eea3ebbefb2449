// Where an object's (or a part's) body lives, decided by its size: up to INLINE_BODY_BYTES in the
// database (./inlineBodies.ts), recorded in the same transaction as the row that names it; larger
// ones in files (./blobs.ts), flushed before that transaction. Both are named by opaque ids of the
// same shape, so a row names a body the same way wherever it lives; an id the database does not
// keep is a file (every body written before inline bodies existed is one).
//
// The life of a new body: write it (NewBody), record() it inside the transaction that inserts the
// row, or discard() it when that transaction fails. Deleting rows: forget() their bodies inside the
// same transaction (inline ones go with the rows), then removeFiles() what it answered after commit.
import { Readable } from 'node:stream';
import { randomHex } from './ids.js';
import type { Db } from '../../store/db.js';
import type { BlobWriter, Blobs } from './blobs.js';
import { InlineBodies, INLINE_BODY_BYTES } from './inlineBodies.js';

/** A body written but not yet named by a committed row. */
export interface NewBody {
  readonly id: string;
  /** The bytes of a body kept in the database (recorded with its row); absent for a file, already durable. */
  readonly inline?: Buffer;
}

export interface BodyWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** The complete body: a file flushed durably, or the bytes to record with the row. */
  finish(): Promise<NewBody>;
  /** Discards a body that will not be committed. */
  abort(): Promise<void>;
}

const newId = () => randomHex(16);

export class ObjectBodies {
  readonly inline: InlineBodies;

  constructor(
    db: Db,
    readonly files: Blobs,
    private readonly inlineMax = INLINE_BODY_BYTES,
  ) {
    this.inline = new InlineBodies(db);
  }

  /**
   * A new body: kept in memory while it fits the database, moved to a file as soon as it does not
   * (the length of a streamed body is not always announced).
   */
  create(): BodyWriter {
    let chunks: Uint8Array[] = [];
    let bytes = 0;
    let file: BlobWriter | undefined;
    return {
      write: async (chunk) => {
        if (file) return file.write(chunk);
        bytes += chunk.length;
        chunks.push(chunk);
        if (bytes <= this.inlineMax) return;
        file = await this.files.create();
        const held = chunks;
        chunks = [];
        for (const c of held) await file.write(c);
      },
      finish: async () => {
        if (file) {
          await file.finish();
          return { id: file.id };
        }
        // A copy: the caller's buffers stay theirs.
        const inline = Buffer.concat(chunks, bytes);
        chunks = [];
        return { id: newId(), inline };
      },
      abort: async () => {
        chunks = [];
        await file?.abort();
      },
    };
  }

  /** Records a new body with its row: inside the transaction that inserts the row. */
  record(body: NewBody) {
    if (body.inline) this.inline.put(body.id, body.inline);
  }

  /** A new body that will not be committed (its transaction failed). */
  discard(body: NewBody) {
    if (!body.inline) this.files.remove([body.id]);
  }

  /**
   * A new body with the bytes of `id` (a copy, recorded as any new body): a body in the database is
   * copied there (read now, so a delete of the source meanwhile does not matter); a file gets a second
   * name for the same bytes (./blobs.ts).
   */
  async copyOf(id: string): Promise<NewBody> {
    const inline = this.inline.get(id);
    if (inline) return { id: newId(), inline };
    return { id: await this.files.duplicate(id) };
  }

  /**
   * The bytes [start, end] (inclusive) of a body, or all of it: read now when the database keeps it
   * (answered in one write), a stream of its file otherwise.
   */
  open(id: string, range?: { start: number; end: number }): Buffer | Readable {
    return (range ? this.inline.slice(id, range.start, range.end) : this.inline.get(id)) ?? this.files.read(id, range);
  }

  /** The bytes [start, end] (inclusive) of a body, or all of it, as a stream. */
  read(id: string, range?: { start: number; end: number }): Readable {
    const body = this.open(id, range);
    return Buffer.isBuffer(body) ? Readable.from([body]) : body;
  }

  async readAll(id: string): Promise<Buffer> {
    return this.inline.get(id) ?? this.files.readAll(id);
  }

  /**
   * Forgets the bodies of rows being deleted: inside the same transaction, so the ones kept in the
   * database go with their rows. Answers the others (files), for removeFiles() once committed.
   */
  forget(ids: Iterable<string>): string[] {
    const files: string[] = [];
    for (const id of ids) if (!this.inline.delete(id)) files.push(id);
    return files;
  }

  /** Deletes the files of rows just deleted (see forget). */
  removeFiles(ids: string[]) {
    if (ids.length) this.files.remove(ids);
  }
}
