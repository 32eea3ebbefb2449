// Object bodies, named by opaque random ids and never by anything a user chose: files under
// <dataDir>/s3/blobs (fsynced before the metadata that names them commits), or memory (--in-memory).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

export interface BlobWriter {
  readonly id: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes the body durably. */
  finish(): Promise<void>;
  /** Discards a body that will not be committed. */
  abort(): Promise<void>;
}

export interface Blobs {
  create(): Promise<BlobWriter>;
  /** The bytes [start, end] (inclusive) of a body, or all of it. */
  read(id: string, range?: { start: number; end: number }): Readable;
  readAll(id: string): Promise<Buffer>;
  remove(ids: Iterable<string>): void;
  /** Removes every body not in `keep` (left over by a crash between writing a body and committing it). */
  sweep(keep: Set<string>): void;
}

const newId = () => randomBytes(16).toString('hex');
const ID = /^[0-9a-f]{32}$/;

export class FileBlobs implements Blobs {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(path.resolve(dataDir), 's3', 'blobs');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new Error(`invalid blob id ${JSON.stringify(id)}`);
    return path.join(this.dir, id);
  }

  async create(): Promise<BlobWriter> {
    const id = newId();
    const file = this.file(id);
    const fh = await fs.promises.open(file, 'wx', 0o600);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await fh.close();
    };
    return {
      id,
      write: async (chunk) => {
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      },
      finish: async () => {
        await fh.sync();
        await close();
      },
      abort: async () => {
        await close().catch(() => {});
        await fs.promises.unlink(file).catch(() => {});
      },
    };
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.file(id), range ? { start: range.start, end: range.end } : {});
  }

  readAll(id: string): Promise<Buffer> {
    return fs.promises.readFile(this.file(id));
  }

  remove(ids: Iterable<string>) {
    for (const id of ids) fs.promises.unlink(this.file(id)).catch(() => {});
  }

  sweep(keep: Set<string>) {
    for (const name of fs.readdirSync(this.dir)) {
      if (!keep.has(name)) fs.rmSync(path.join(this.dir, name), { force: true, recursive: true });
    }
  }
}

export class MemoryBlobs implements Blobs {
  private readonly bodies = new Map<string, Buffer>();

  async create(): Promise<BlobWriter> {
    const id = newId();
    const chunks: Buffer[] = [];
    return {
      id,
      write: async (chunk) => {
        chunks.push(Buffer.from(chunk));
      },
      finish: async () => {
        this.bodies.set(id, Buffer.concat(chunks));
        chunks.length = 0;
      },
      abort: async () => {
        chunks.length = 0;
        this.bodies.delete(id);
      },
    };
  }

  private body(id: string): Buffer {
    const b = this.bodies.get(id);
    if (!b) throw new Error(`missing blob ${id}`);
    return b;
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    const b = this.body(id);
    return Readable.from(range ? [b.subarray(range.start, range.end + 1)] : [b]);
  }

  async readAll(id: string): Promise<Buffer> {
    return this.body(id);
  }

  remove(ids: Iterable<string>) {
    for (const id of ids) this.bodies.delete(id);
  }

  sweep(keep: Set<string>) {
    for (const id of [...this.bodies.keys()]) if (!keep.has(id)) this.bodies.delete(id);
  }
}
