// Objects and their versions: every bucket behaves as versioned, so each write adds a version and a
// delete without a version id adds a delete marker. s3_latest names each key's latest version (live:
// not a delete marker). A new body is durable when the row naming it commits (./objectBodies.ts).
import type { Readable } from 'node:stream';
import { writeBody, type Body } from './bodies.js';
import type { BucketInfo, Buckets } from './buckets.js';
import { S3Error, s3err } from './errors.js';
import { INLINE_BODY_BYTES } from './inlineBodies.js';
import type { ObjectCreatedEvents } from './events.js';
import { S3_LIMITS } from './limits.js';
import type { StoreContext } from './storeContext.js';
import { hasIllegalXmlChars } from './xml.js';
import type { ObjectVersion } from './objectVersion.js';
import { randomId } from './ids.js';
import type { NewBody } from './objectBodies.js';

export type { ObjectVersion } from './objectVersion.js';

export interface PutObjectInput {
  bucket: string;
  key: string;
  body: Body;
  contentType?: string;
  metadata?: Record<string, string>;
  headers?: Record<string, string>;
  /** Base64 Content-MD5 to verify (BadDigest when the body differs). */
  contentMd5?: string;
  /** The length the client announced: a shorter or longer body is IncompleteBody. */
  expectedSize?: number;
}

/** A row of s3_objects. */
export interface ObjectRow {
  seq: number;
  bucket: string;
  key: string;
  version_id: string;
  delete_marker: number;
  blob: string | null;
  size: number;
  etag: string;
  content_type: string | null;
  headers: string;
  metadata: string;
  last_modified: number;
}

export const toVersion = (r: ObjectRow): ObjectVersion => ({
  bucket: r.bucket,
  key: r.key,
  versionId: r.version_id,
  deleteMarker: r.delete_marker === 1,
  size: r.size,
  etag: r.etag,
  ...(r.content_type !== null && { contentType: r.content_type }),
  headers: JSON.parse(r.headers),
  metadata: JSON.parse(r.metadata),
  lastModified: r.last_modified,
  blob: r.blob,
  seq: r.seq,
});

const newVersionId = () => randomId(24);

/** Who a missing bucket is created for, when a write may create it (artifact buckets are implicit locally). */
export interface BucketOwner {
  account: string;
  region?: string;
}

/** One object of putObjects(). */
export interface NewObject {
  key: string;
  body: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** putObjects(): one transaction holds at most this many objects, and this many bytes of bodies kept in the database. */
const BATCH_OBJECTS = 1000;
const BATCH_INLINE_BYTES = 8 * 1024 * 1024;
/**
 * Bodies too large for the database written at once: each waits for its file's flush (fsync), and
 * concurrent flushes share the file system's journal commits instead of queueing one behind another.
 */
const PARALLEL_FILES = 8;

/** A key S3 (and XML) can carry: 1 to 1024 UTF-8 bytes, no characters XML 1.0 cannot represent. */
export function checkKey(key: string) {
  if (key.length === 0) throw s3err.invalidArgument('Object key cannot be empty', 'key', '');
  if (Buffer.byteLength(key, 'utf8') > S3_LIMITS.maxKeyBytes) throw s3err.keyTooLong();
  if (hasIllegalXmlChars(key)) throw s3err.invalidArgument('Object key contains characters this store does not accept (control characters)', 'key', '');
}

export class Versions {
  private readonly q;

  constructor(
    private readonly ctx: StoreContext,
    private readonly buckets: Buckets,
    private readonly events: ObjectCreatedEvents,
  ) {
    const { db } = ctx;
    this.q = {
      insertObject: db.prepare(
        `INSERT INTO s3_objects (bucket, key, version_id, delete_marker, blob, size, etag, content_type, headers, metadata, last_modified)
         VALUES (@bucket, @key, @version_id, @delete_marker, @blob, @size, @etag, @content_type, @headers, @metadata, @last_modified)`,
      ),
      setLatest: db.prepare('INSERT OR REPLACE INTO s3_latest (bucket, key, seq, live) VALUES (?, ?, ?, ?)'),
      deleteLatest: db.prepare('DELETE FROM s3_latest WHERE bucket = ? AND key = ?'),
      latest: db.prepare<[string, string], ObjectRow>('SELECT o.* FROM s3_latest l JOIN s3_objects o ON o.seq = l.seq WHERE l.bucket = ? AND l.key = ?'),
      newest: db.prepare<[string, string], ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1'),
      version: db.prepare<[string, string], ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND version_id = ?'),
      deleteVersion: db.prepare('DELETE FROM s3_objects WHERE seq = ?'),
    };
  }

  /** Records a new version as the key's latest (older versions are kept); inside a transaction. */
  insertVersion(v: Omit<ObjectVersion, 'seq'>): ObjectVersion {
    const info = this.q.insertObject.run({
      bucket: v.bucket,
      key: v.key,
      version_id: v.versionId,
      delete_marker: v.deleteMarker ? 1 : 0,
      blob: v.blob,
      size: v.size,
      etag: v.etag,
      content_type: v.contentType ?? null,
      headers: JSON.stringify(v.headers),
      metadata: JSON.stringify(v.metadata),
      last_modified: v.lastModified,
    });
    const seq = Number(info.lastInsertRowid);
    this.q.setLatest.run(v.bucket, v.key, seq, v.deleteMarker ? 0 : 1);
    return { ...v, seq };
  }

  /** Inserts a new version (not a delete marker) with a fresh id, written now; inside a transaction. */
  insertNew(v: { bucket: string; key: string; size: number; etag: string; contentType?: string; headers: Record<string, string>; metadata: Record<string, string>; blob: string }): ObjectVersion {
    return this.insertVersion({
      bucket: v.bucket,
      key: v.key,
      versionId: newVersionId(),
      deleteMarker: false,
      size: v.size,
      etag: v.etag,
      ...(v.contentType !== undefined && { contentType: v.contentType }),
      headers: v.headers,
      metadata: v.metadata,
      lastModified: this.ctx.now(),
      blob: v.blob,
    });
  }

  /**
   * Commits the version `record` inserts with its new body (recorded in the same transaction when it
   * is kept in the database; a file is removed again when the transaction fails), then tells the
   * object-created listeners. The bucket is looked up once, inside the transaction (NoSuchBucket, or
   * created with `create`).
   */
  commit(body: NewBody, bucket: string, record: () => ObjectVersion, create?: BucketOwner): ObjectVersion {
    return this.commitAll([body], bucket, () => [record()], create)[0];
  }

  /** commit() of several new versions of one bucket, in one transaction: all of them, or none. */
  private commitAll(bodies: NewBody[], bucket: string, record: () => ObjectVersion[], create?: BucketOwner): ObjectVersion[] {
    const store = this.ctx.bodies;
    let out: { row: BucketInfo; versions: ObjectVersion[] };
    try {
      out = this.ctx.tx(() => {
        const row = this.buckets.forWrite(bucket, create);
        const versions = record();
        for (const b of bodies) store.record(b);
        return { row, versions };
      });
    } catch (e) {
      for (const b of bodies) store.discard(b);
      throw e;
    }
    for (const v of out.versions) this.events.emit(v, out.row);
    return out.versions;
  }

  /**
   * PutObject: a new version of the key, durable before this resolves; object-created listeners are told.
   * With `create`, a missing bucket is created for that owner (artifact buckets).
   */
  async putObject(input: PutObjectInput, create?: BucketOwner): Promise<ObjectVersion> {
    checkKey(input.key);
    // NoSuchBucket before a streamed body is read; a body in memory that cannot fail its checks
    // needs no early look: the transaction's lookup answers the same error.
    const cannotFail =
      input.body instanceof Uint8Array && input.contentMd5 === undefined && input.expectedSize === undefined && input.body.length <= S3_LIMITS.maxObjectBytes;
    if (!create && !cannotFail) this.buckets.requireBucket(input.bucket);
    const { body, size, md5 } = await writeBody(this.ctx.bodies, input.body, input.contentMd5, input.expectedSize);
    return this.commit(
      body,
      input.bucket,
      () =>
        this.insertNew({
          bucket: input.bucket,
          key: input.key,
          size,
          etag: `"${md5.toString('hex')}"`,
          contentType: input.contentType,
          headers: input.headers ?? {},
          metadata: input.metadata ?? {},
          blob: body.id,
        }),
      create,
    );
  }

  /**
   * New versions of several keys of one bucket (the S3 deploy action's extract), in one transaction
   * per batch of at most BATCH_OBJECTS objects and BATCH_INLINE_BYTES of bodies kept in the database:
   * a batch is committed whole or not at all. Larger bodies are files, flushed (a few at once) before
   * the transaction that names them. A failure names the first item, in the given order, that failed.
   */
  async putObjects(bucket: string, items: NewObject[]): Promise<ObjectVersion[]> {
    for (const it of items) {
      try {
        checkKey(it.key);
      } catch (e) {
        throw e instanceof S3Error ? new PutObjectsError(it.key, e) : e;
      }
    }
    const out: ObjectVersion[] = [];
    for (let from = 0; from < items.length; ) {
      let to = from;
      let inline = 0;
      while (to < items.length && to - from < BATCH_OBJECTS) {
        const n = items[to].body.length <= INLINE_BODY_BYTES ? items[to].body.length : 0;
        if (to > from && inline + n > BATCH_INLINE_BYTES) break;
        inline += n;
        to++;
      }
      out.push(...(await this.putBatch(bucket, items.slice(from, to))));
      from = to;
    }
    return out;
  }

  private async putBatch(bucket: string, items: NewObject[]): Promise<ObjectVersion[]> {
    const { bodies } = this.ctx;
    const written = await settleAll(items, PARALLEL_FILES, (it) => writeBody(bodies, it.body));
    const failed = written.findIndex((r) => r?.status === 'rejected');
    if (failed >= 0) {
      for (const r of written) if (r?.status === 'fulfilled') bodies.discard(r.value.body);
      const reason = (written[failed] as PromiseRejectedResult).reason;
      throw reason instanceof S3Error ? new PutObjectsError(items[failed].key, reason) : reason;
    }
    const ok = written.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof writeBody>>>).value); // all fulfilled here
    try {
      return this.commitAll(
        ok.map((w) => w.body),
        bucket,
        () =>
          items.map((it, i) =>
            this.insertNew({
              bucket,
              key: it.key,
              size: ok[i].size,
              etag: `"${ok[i].md5.toString('hex')}"`,
              contentType: it.contentType,
              headers: it.headers ?? {},
              metadata: {},
              blob: ok[i].body.id,
            }),
          ),
      );
    } catch (e) {
      throw e instanceof S3Error && items.length > 0 ? new PutObjectsError(items[0].key, e) : e;
    }
  }

  /** The latest version of a key (possibly a delete marker), or a given version; undefined when absent. */
  getVersion(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    const row = versionId === undefined ? this.q.latest.get(bucket, key) : this.q.version.get(bucket, versionId);
    if (!row || row.key !== key) return undefined;
    return toVersion(row);
  }

  /**
   * The version GetObject/HeadObject serve, or the S3 error they answer: NoSuchBucket, NoSuchKey
   * (also when the latest version is a delete marker), NoSuchVersion, MethodNotAllowed (a delete marker by id).
   */
  resolve(bucket: string, key: string, versionId?: string): ObjectVersion {
    this.buckets.requireBucket(bucket);
    if (versionId === '') throw s3err.invalidArgument('Version id cannot be the empty string', 'versionId', '');
    const v = this.getVersion(bucket, key, versionId);
    if (!v) throw versionId === undefined ? s3err.noSuchKey(key) : s3err.noSuchVersion(key, versionId);
    if (v.deleteMarker) {
      const headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': v.versionId };
      if (versionId === undefined) throw s3err.noSuchKey(key, headers);
      throw s3err.methodNotAllowed('GET', 'DeleteMarker', { ...headers, 'last-modified': new Date(v.lastModified).toUTCString() });
    }
    return v;
  }

  /** The body (optionally a byte range, inclusive): the bytes when the database keeps it, else a stream of its file. */
  openBody(v: ObjectVersion, range?: { start: number; end: number }): Buffer | Readable {
    return this.ctx.bodies.open(v.blob!, range);
  }

  /** The whole body of the latest (or a given) version; undefined when there is none. */
  async getBuffer(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined> {
    // A bucket's versions go with it (DeleteBucket): no version, no bucket to ask about.
    const v = this.getVersion(bucket, key, versionId);
    if (!v || v.deleteMarker) return undefined;
    return this.readBody(v);
  }

  /** The whole body of a version already found (undefined for a delete marker, which has none). */
  async readBody(v: Pick<ObjectVersion, 'blob'>): Promise<Buffer | undefined> {
    return v.blob ? this.ctx.bodies.readAll(v.blob) : undefined;
  }

  /**
   * DeleteObject. Without a version id: a delete marker becomes the latest version (when the key
   * has a current object; otherwise nothing changes). With one: that version is removed for good.
   */
  deleteObject(bucket: string, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    if (versionId === '') throw s3err.invalidArgument('Version id cannot be the empty string', 'versionId', '');
    let removed: string[] = [];
    const out = this.ctx.tx(() => {
      this.buckets.requireBucket(bucket);
      if (versionId === undefined) {
        const latest = this.q.latest.get(bucket, key);
        if (!latest || latest.delete_marker === 1) return { deleteMarker: false };
        const marker = this.insertVersion({
          bucket,
          key,
          versionId: newVersionId(),
          deleteMarker: true,
          size: 0,
          etag: '',
          headers: {},
          metadata: {},
          lastModified: this.ctx.now(),
          blob: null,
        });
        return { versionId: marker.versionId, deleteMarker: true };
      }
      const row = this.q.version.get(bucket, versionId);
      if (!row || row.key !== key) return { versionId, deleteMarker: false };
      this.q.deleteVersion.run(row.seq);
      if (row.blob) removed = this.ctx.bodies.forget([row.blob]);
      const newest = this.q.newest.get(bucket, key);
      if (newest) this.q.setLatest.run(bucket, key, newest.seq, newest.delete_marker ? 0 : 1);
      else this.q.deleteLatest.run(bucket, key);
      return { versionId, deleteMarker: row.delete_marker === 1 };
    });
    this.ctx.bodies.removeFiles(removed);
    return out;
  }

  /**
   * CopyObject: a new version of the target with the source's body (and metadata, unless replaced).
   * The target bucket is looked up in the write's transaction (callers have checked it before: the
   * HTTP operation, the S3 deploy action); with `create`, a missing one is created (artifact buckets).
   */
  async copyObject(
    input: {
      source: ObjectVersion;
      bucket: string;
      key: string;
      replace?: { contentType?: string; headers: Record<string, string>; metadata: Record<string, string> };
    },
    create?: BucketOwner,
  ): Promise<ObjectVersion> {
    checkKey(input.key);
    const { source } = input;
    const body = await this.ctx.bodies.copyOf(source.blob!);
    const meta = input.replace ?? { contentType: source.contentType, headers: source.headers, metadata: source.metadata };
    return this.commit(
      body,
      input.bucket,
      () =>
        this.insertNew({
          bucket: input.bucket,
          key: input.key,
          size: source.size,
          etag: source.etag,
          contentType: meta.contentType,
          headers: meta.headers,
          metadata: meta.metadata,
          blob: body.id,
        }),
      create,
    );
  }
}

/** A write of putObjects() that failed: the key it names, and the S3 error. */
export class PutObjectsError extends Error {
  constructor(
    readonly key: string,
    readonly reason: S3Error,
  ) {
    super(`${key}: ${reason.code}: ${reason.message}`);
  }
}

/**
 * Runs `work` on every item, at most `limit` at a time; answers the outcomes in the items' order
 * (none for items never started). Nothing is still running once it answers; no new item starts
 * after a failure.
 */
async function settleAll<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<(PromiseSettledResult<R> | undefined)[]> {
  const results: (PromiseSettledResult<R> | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
