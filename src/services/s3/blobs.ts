// Object bodies, named by opaque random ids and never by anything a user chose: files under
// <dataDir>/s3/blobs (fsynced before the metadata that names them commits), or memory (--in-memory).
// A body is written as <id>.partial and renamed to <id> once complete, so a body cut short by a crash
// is told apart from a complete one. Bodies are immutable once complete. Nothing deletes a complete
// body except the operation that deletes the row naming it: a body the database does not know (a
// database lost or replaced, a crash between the rename and the commit) is kept and reported.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomHex } from './ids.js';

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
  /** A new body with the same bytes as `id` (a copy): answers its id. */
  duplicate(id: string): Promise<string>;
  /** Deletes bodies whose rows the caller just deleted (or never committed). */
  remove(ids: Iterable<string>): void;
  /** Deletes bodies cut short by a crash (never complete, never acknowledged); answers how many complete bodies `known` does not name. */
  tidy(known: Set<string>): { unknown: number };
  /** Every complete body's id. */
  ids(): string[];
  /** A whole body, read synchronously (snapshots read bodies in the same tick as the database). */
  readSync(id: string): Buffer;
  /** Stores a complete body under its id (restoring a snapshot). */
  putSync(id: string, body: Uint8Array): void;
}

const newId = () => randomHex(16);
export const BLOB_ID = /^[0-9a-f]{32}$/;
const ID = BLOB_ID;
const PARTIAL = '.partial';

/**
 * Small bodies written or read lately, by id, in memory (bodies never change once complete): a
 * pipeline's artifact is read by the stages after the one that wrote it, and a read from memory
 * waits for neither the disk nor a free thread of the pool that file operations (and flushes) share.
 */
class RecentBodies {
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    readonly maxBody: number,
  ) {}

  /** A copy: whoever reads a body may change what they get. */
  get(id: string): Buffer | undefined {
    const b = this.bodies.get(id);
    if (!b) return undefined;
    this.bodies.delete(id);
    this.bodies.set(id, b);
    return Buffer.from(b);
  }

  set(id: string, body: Buffer) {
    if (body.length > this.maxBody) return;
    this.delete(id);
    this.bodies.set(id, body);
    this.bytes += body.length;
    for (const [oldest, b] of this.bodies) {
      if (this.bytes <= this.maxBytes) break;
      this.bodies.delete(oldest);
      this.bytes -= b.length;
    }
  }

  /** The cached bytes of `id`, shared (for a copy under another id). */
  peek(id: string): Buffer | undefined {
    return this.bodies.get(id);
  }

  delete(id: string) {
    const b = this.bodies.get(id);
    if (!b) return;
    this.bodies.delete(id);
    this.bytes -= b.length;
  }

  clear() {
    this.bodies.clear();
    this.bytes = 0;
  }
}

export class FileBlobs implements Blobs {
  readonly dir: string;
  private readonly recent = new RecentBodies(16 * 1024 * 1024, 1024 * 1024);

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
    const partial = file + PARTIAL;
    const fh = await fs.promises.open(partial, 'wx', 0o600);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await fh.close();
    };
    // A small body is kept to serve the reads that follow (see RecentBodies).
    let kept: Buffer[] | undefined = [];
    let keptBytes = 0;
    return {
      id,
      write: async (chunk) => {
        if (kept && (keptBytes += chunk.length) <= this.recent.maxBody) kept.push(Buffer.from(chunk));
        else kept = undefined;
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      },
      finish: async () => {
        await fh.sync();
        await close();
        await fs.promises.rename(partial, file);
        if (kept) this.recent.set(id, Buffer.concat(kept));
      },
      abort: async () => {
        await close().catch(() => {});
        await fs.promises.unlink(partial).catch(() => {});
        await fs.promises.unlink(file).catch(() => {});
      },
    };
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.file(id), range ? { start: range.start, end: range.end } : {});
  }

  /**
   * A hard link: bodies are immutable and already flushed, so a second name for the same bytes is a
   * complete, durable copy without writing or flushing them again (each name is removed on its own).
   * Where links are not allowed, the bytes are copied and flushed as any new body.
   */
  async duplicate(id: string): Promise<string> {
    const copy = newId();
    try {
      await fs.promises.link(this.file(id), this.file(copy));
      const body = this.recent.peek(id);
      if (body) this.recent.set(copy, body);
      return copy;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK' && code !== 'ENOSYS') throw e;
    }
    const writer = await this.create();
    try {
      await writer.write(await this.readAll(id));
      await writer.finish();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return writer.id;
  }

  async readAll(id: string): Promise<Buffer> {
    const file = this.file(id);
    const hit = this.recent.get(id);
    if (hit) return hit;
    const body = await fs.promises.readFile(file);
    this.recent.set(id, body);
    return Buffer.from(body);
  }

  remove(ids: Iterable<string>) {
    // Synchronous: a restore that brings the same body back right after cannot lose it to a late unlink.
    for (const id of ids) {
      this.recent.delete(id);
      fs.rmSync(this.file(id), { force: true });
    }
  }

  tidy(known: Set<string>): { unknown: number } {
    let unknown = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (name.endsWith(PARTIAL) && ID.test(name.slice(0, -PARTIAL.length))) fs.rmSync(path.join(this.dir, name), { force: true });
      else if (ID.test(name) && !known.has(name)) unknown++;
    }
    return { unknown };
  }

  ids(): string[] {
    return fs.readdirSync(this.dir).filter((n) => ID.test(n));
  }

  readSync(id: string): Buffer {
    return fs.readFileSync(this.file(id));
  }

  putSync(id: string, body: Uint8Array) {
    this.recent.delete(id);
    const file = this.file(id);
    fs.writeFileSync(file + PARTIAL, body, { mode: 0o600 });
    fs.renameSync(file + PARTIAL, file);
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

  async duplicate(id: string): Promise<string> {
    const copy = newId();
    this.bodies.set(copy, this.body(id));
    return copy;
  }

  remove(ids: Iterable<string>) {
    for (const id of ids) this.bodies.delete(id);
  }

  tidy(known: Set<string>): { unknown: number } {
    return { unknown: [...this.bodies.keys()].filter((id) => !known.has(id)).length };
  }

  ids(): string[] {
    return [...this.bodies.keys()];
  }

  readSync(id: string): Buffer {
    return this.body(id);
  }

  putSync(id: string, body: Uint8Array) {
    this.bodies.set(id, Buffer.from(body));
  }
}
