// The local S3-compatible object store: buckets (one global namespace, owner account recorded),
// object versions (every bucket behaves as versioned), multipart uploads. Metadata lives in SQLite;
// bodies in blobs named by opaque ids (./blobs.ts), written durably before the metadata commits.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ArtifactLocation, ArtifactObjects } from '../../engine/artifacts.js';
import { FileBlobs, MemoryBlobs, type Blobs } from './blobs.js';
import { S3Error, s3err } from './errors.js';
import { hasIllegalXmlChars } from './xml.js';

/** Size limits of this local store (S3's own are larger: 5 GiB per PUT or part, 5 TiB per object). */
export const S3_LIMITS = {
  /** Largest body of one PutObject or UploadPart, and largest object a multipart upload may assemble. */
  maxObjectBytes: 1024 * 1024 * 1024,
  /** Smallest part of a multipart upload, except the last (as S3). */
  minPartBytes: 5 * 1024 * 1024,
  maxPartNumber: 10_000,
  /** Longest key, in UTF-8 bytes (as S3). */
  maxKeyBytes: 1024,
  /** Largest XML request body (CreateBucket, CompleteMultipartUpload, DeleteObjects). */
  maxXmlBytes: 2 * 1024 * 1024,
};

export interface BucketInfo {
  name: string;
  account: string;
  region: string;
  created: number;
}

export interface ObjectVersion {
  bucket: string;
  key: string;
  versionId: string;
  deleteMarker: boolean;
  size: number;
  /** The ETag as S3 sends it: quoted MD5 hex, or "md5-of-part-md5s-N" for a multipart object. */
  etag: string;
  contentType?: string;
  /** Stored system headers (content-encoding, content-disposition, cache-control, content-language, expires). */
  headers: Record<string, string>;
  /** User metadata (x-amz-meta-NAME), names in lower case. */
  metadata: Record<string, string>;
  /** Epoch milliseconds, whole seconds as S3 keeps them. */
  lastModified: number;
  blob: string | null;
  seq: number;
}

export interface ObjectCreatedEvent {
  /** The bucket owner's account, and the bucket's region. */
  account: string;
  region: string;
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  /** Epoch milliseconds. */
  time: number;
}

export type ObjectCreatedListener = (event: ObjectCreatedEvent) => void;

export type Body = Uint8Array | AsyncIterable<Uint8Array>;

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

export interface ListInput {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** Exclusive lower bound: only keys after it (start-after, marker, or a continuation cursor). */
  after?: string;
}

export interface ListResult {
  contents: ObjectVersion[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts (exclusive), when truncated. */
  cursor?: string;
  /** The last key or common prefix returned. */
  last?: string;
}

export interface VersionListInput {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** Only keys after it, or (with versionIdMarker) the versions of it older than that version, then keys after it. */
  keyMarker?: string;
  /** A version of keyMarker: the listing continues with the next older version. */
  versionIdMarker?: string;
}

/** One entry of a version listing, in S3's order: a version or delete marker, or a common prefix. */
export type VersionListEntry = { version: ObjectVersion; isLatest: boolean } | { commonPrefix: string };

export interface VersionListResult {
  entries: VersionListEntry[];
  isTruncated: boolean;
  /** When truncated: the last key (or common prefix) returned, and the last version id returned (absent after a common prefix). */
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

export interface UploadInfo {
  uploadId: string;
  bucket: string;
  key: string;
  contentType?: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  initiated: number;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: number;
  blob: string;
}

interface ObjectRow {
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

const toVersion = (r: ObjectRow): ObjectVersion => ({
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

const newVersionId = () => randomBytes(24).toString('base64url');
const newUploadId = () => randomBytes(36).toString('base64url');
// Skips every key that starts with a common prefix: U+10FFFF is the highest character in UTF-8 byte order.
const PAST = '\u{10FFFF}';

/** S3's bucket naming rules (general purpose buckets). */
export function validBucketName(name: string): boolean {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return false;
  return true;
}

/** A key S3 (and XML) can carry: 1 to 1024 UTF-8 bytes, no characters XML 1.0 cannot represent. */
export function checkKey(key: string) {
  if (key.length === 0) throw s3err.invalidArgument('Object key cannot be empty', 'key', '');
  if (Buffer.byteLength(key, 'utf8') > S3_LIMITS.maxKeyBytes) throw s3err.keyTooLong();
  if (hasIllegalXmlChars(key)) throw s3err.invalidArgument('Object key contains characters this store does not accept (control characters)', 'key', '');
}

export class ObjectStore {
  private readonly listeners = new Set<ObjectCreatedListener>();
  private readonly q;

  /** The ArtifactObjects the engine uses: artifact buckets are created on first write. */
  readonly artifacts: ArtifactObjects;

  constructor(
    private readonly db: Db,
    readonly blobs: Blobs,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.q = {
      bucket: db.prepare<[string], BucketInfo>('SELECT name, account, region, created FROM s3_buckets WHERE name = ?'),
      bucketsOf: db.prepare<[string], BucketInfo>('SELECT name, account, region, created FROM s3_buckets WHERE account = ? ORDER BY name'),
      insertBucket: db.prepare('INSERT INTO s3_buckets (name, account, region, created) VALUES (?, ?, ?, ?)'),
      deleteBucket: db.prepare('DELETE FROM s3_buckets WHERE name = ?'),
      anyLive: db.prepare<[string], { k: string }>('SELECT key AS k FROM s3_latest WHERE bucket = ? AND live = 1 LIMIT 1'),
      bucketBlobs: db.prepare<[string, string], { blob: string }>(
        'SELECT blob FROM s3_objects WHERE bucket = ? AND blob IS NOT NULL UNION ALL SELECT p.blob FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?',
      ),
      deleteBucketObjects: db.prepare('DELETE FROM s3_objects WHERE bucket = ?'),
      deleteBucketLatest: db.prepare('DELETE FROM s3_latest WHERE bucket = ?'),
      deleteBucketParts: db.prepare('DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)'),
      deleteBucketUploads: db.prepare('DELETE FROM s3_uploads WHERE bucket = ?'),
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
      listFrom: db.prepare<[string, string, number], ObjectRow>(
        'SELECT o.* FROM s3_latest l JOIN s3_objects o ON o.seq = l.seq WHERE l.bucket = ? AND l.live = 1 AND l.key > ? ORDER BY l.key LIMIT ?',
      ),
      listAtOrAfter: db.prepare<[string, string, number], ObjectRow>(
        'SELECT o.* FROM s3_latest l JOIN s3_objects o ON o.seq = l.seq WHERE l.bucket = ? AND l.live = 1 AND l.key >= ? ORDER BY l.key LIMIT ?',
      ),
      // Versions in S3's listing order (keys ascending, versions newest first), with whether each is the key's latest.
      keyVersionsBefore: db.prepare<[string, string, number, number], ObjectRow & { is_latest: number }>(
        `SELECT o.*, (l.seq = o.seq) AS is_latest FROM s3_objects o LEFT JOIN s3_latest l ON l.bucket = o.bucket AND l.key = o.key
         WHERE o.bucket = ? AND o.key = ? AND o.seq < ? ORDER BY o.seq DESC LIMIT ?`,
      ),
      versionsAfterKey: db.prepare<[string, string, number], ObjectRow & { is_latest: number }>(
        `SELECT o.*, (l.seq = o.seq) AS is_latest FROM s3_objects o LEFT JOIN s3_latest l ON l.bucket = o.bucket AND l.key = o.key
         WHERE o.bucket = ? AND o.key > ? ORDER BY o.key, o.seq DESC LIMIT ?`,
      ),
      insertUpload: db.prepare(
        'INSERT INTO s3_uploads (upload_id, bucket, key, content_type, headers, metadata, initiated) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      upload: db.prepare<[string], Record<string, any>>('SELECT * FROM s3_uploads WHERE upload_id = ?'),
      deleteUpload: db.prepare('DELETE FROM s3_uploads WHERE upload_id = ?'),
      part: db.prepare<[string, number], Record<string, any>>('SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?'),
      parts: db.prepare<[string, number, number], Record<string, any>>(
        'SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
      ),
      allParts: db.prepare<[string], Record<string, any>>('SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number'),
      putPart: db.prepare(
        'INSERT OR REPLACE INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteParts: db.prepare('DELETE FROM s3_parts WHERE upload_id = ?'),
      allBlobs: db.prepare<[], { blob: string }>('SELECT blob FROM s3_objects WHERE blob IS NOT NULL UNION ALL SELECT blob FROM s3_parts'),
    };
    this.artifacts = {
      put: async (account: string, location: ArtifactLocation, body: Buffer) => {
        this.ensureBucket(account, undefined, location.bucket);
        const v = await this.putObject({ bucket: location.bucket, key: location.key, body, contentType: 'application/zip' });
        return { versionId: v.versionId, etag: v.etag };
      },
      get: async (location: ArtifactLocation, versionId?: string) => this.getBuffer(location.bucket, location.key, versionId),
    };
  }

  /** Opens the store on the emulator's database; bodies under <dataDir>/s3/blobs, or in memory. */
  static open(opts: { db: Db; dataDir: string; inMemory: boolean; clock: Clock; log: Logger }): ObjectStore {
    const blobs = opts.inMemory ? new MemoryBlobs() : new FileBlobs(opts.dataDir);
    const store = new ObjectStore(opts.db, blobs, opts.clock, opts.log);
    const { unknown } = blobs.tidy(store.knownBlobs());
    if (unknown > 0 && blobs instanceof FileBlobs)
      opts.log.warn(
        `s3: ${unknown} object ${unknown === 1 ? 'body' : 'bodies'} in ${blobs.dir} ${unknown === 1 ? 'is' : 'are'} not named by the database; kept, not deleted ` +
          '(left by an upload cut short, or by a database replaced since they were written)',
      );
    return store;
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The ids of every body a row names (object versions and uploaded parts). */
  knownBlobs(): Set<string> {
    return new Set(this.q.allBlobs.all().map((r) => r.blob));
  }

  private now(): number {
    return Math.floor(this.clock.now() / 1000) * 1000;
  }

  /** Subscribes to new object versions (PutObject, CopyObject, CompleteMultipartUpload, artifacts), called after commit. */
  onObjectCreated(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitCreated(v: ObjectVersion) {
    const bucket = this.q.bucket.get(v.bucket);
    if (!bucket) return;
    const event: ObjectCreatedEvent = {
      account: bucket.account,
      region: bucket.region,
      bucket: v.bucket,
      key: v.key,
      versionId: v.versionId,
      etag: v.etag,
      size: v.size,
      time: v.lastModified,
    };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.error('s3: an object-created listener failed', e);
      }
    }
  }

  // ---- buckets ----

  getBucket(name: string): BucketInfo | undefined {
    return this.q.bucket.get(name);
  }

  requireBucket(name: string): BucketInfo {
    const b = this.q.bucket.get(name);
    if (!b) throw s3err.noSuchBucket(name);
    return b;
  }

  listBuckets(account: string): BucketInfo[] {
    return this.q.bucketsOf.all(account);
  }

  /** CreateBucket: answers whether it was created (false: the caller already owned it). */
  createBucket(account: string, region: string, name: string): { created: boolean } {
    if (!validBucketName(name)) throw s3err.invalidBucketName(name);
    return this.tx(() => {
      const existing = this.q.bucket.get(name);
      if (existing) {
        if (existing.account !== account) throw s3err.bucketAlreadyExists(name);
        return { created: false };
      }
      this.q.insertBucket.run(name, account, region, this.now());
      return { created: true };
    });
  }

  /** Creates the bucket when missing (artifact buckets are implicit locally); an existing one is kept whoever owns it. */
  ensureBucket(account: string, region: string | undefined, name: string): BucketInfo {
    const existing = this.q.bucket.get(name);
    if (existing) return existing;
    if (!validBucketName(name)) throw s3err.invalidBucketName(name);
    this.tx(() => {
      if (!this.q.bucket.get(name)) this.q.insertBucket.run(name, account, region ?? 'us-east-1', this.now());
    });
    return this.q.bucket.get(name)!;
  }

  /**
   * DeleteBucket. BucketNotEmpty while any key has a current (non-deleted) version; older versions and
   * delete markers go with the bucket (locally, buckets are versioned without asking, so `aws s3 rb`
   * after `aws s3 rm` works as it does on an unversioned bucket).
   */
  deleteBucket(name: string) {
    const blobs = this.tx(() => {
      this.requireBucket(name);
      if (this.q.anyLive.get(name)) throw s3err.bucketNotEmpty(name);
      const ids = this.q.bucketBlobs.all(name, name).map((r) => r.blob);
      this.q.deleteBucketParts.run(name);
      this.q.deleteBucketUploads.run(name);
      this.q.deleteBucketLatest.run(name);
      this.q.deleteBucketObjects.run(name);
      this.q.deleteBucket.run(name);
      return ids;
    });
    this.blobs.remove(blobs);
  }

  // ---- objects ----

  /** Streams a body into a new blob: size limit, MD5, optional Content-MD5 and length checks. */
  private async writeBody(body: Body, contentMd5?: string, expectedSize?: number): Promise<{ blob: string; size: number; md5: Buffer }> {
    const max = S3_LIMITS.maxObjectBytes;
    if (expectedSize !== undefined && expectedSize > max) throw s3err.entityTooLarge(max, expectedSize);
    let expectedMd5: Buffer | undefined;
    if (contentMd5 !== undefined) {
      expectedMd5 = Buffer.from(contentMd5, 'base64');
      if (expectedMd5.length !== 16 || expectedMd5.toString('base64') !== contentMd5) throw s3err.invalidDigest();
    }
    const writer = await this.blobs.create();
    const hash = createHash('md5');
    let size = 0;
    try {
      const source: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Uint8Array ? [body] : body;
      for await (const chunk of source) {
        size += chunk.length;
        if (size > max) throw s3err.entityTooLarge(max);
        hash.update(chunk);
        await writer.write(chunk);
      }
      if (expectedSize !== undefined && size !== expectedSize) throw s3err.incompleteBody();
      const md5 = hash.digest();
      if (expectedMd5 && !expectedMd5.equals(md5)) throw s3err.badDigest();
      await writer.finish();
      return { blob: writer.id, size, md5 };
    } catch (e) {
      await writer.abort();
      throw e;
    }
  }

  /** Records a new version as the key's latest; answers the versions it replaced nothing of (versions are kept). */
  private insertVersion(v: Omit<ObjectVersion, 'seq'>): ObjectVersion {
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

  /** PutObject: a new version of the key, durable before this resolves; object-created listeners are told. */
  async putObject(input: PutObjectInput): Promise<ObjectVersion> {
    checkKey(input.key);
    this.requireBucket(input.bucket);
    const { blob, size, md5 } = await this.writeBody(input.body, input.contentMd5, input.expectedSize);
    let v: ObjectVersion;
    try {
      v = this.tx(() => {
        this.requireBucket(input.bucket);
        return this.insertVersion({
          bucket: input.bucket,
          key: input.key,
          versionId: newVersionId(),
          deleteMarker: false,
          size,
          etag: `"${md5.toString('hex')}"`,
          ...(input.contentType !== undefined && { contentType: input.contentType }),
          headers: input.headers ?? {},
          metadata: input.metadata ?? {},
          lastModified: this.now(),
          blob,
        });
      });
    } catch (e) {
      this.blobs.remove([blob]);
      throw e;
    }
    this.emitCreated(v);
    return v;
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
    this.requireBucket(bucket);
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

  /** A body stream (optionally a byte range, inclusive). */
  readBody(v: ObjectVersion, range?: { start: number; end: number }): Readable {
    return this.blobs.read(v.blob!, range);
  }

  /** The whole body of the latest (or a given) version; undefined when there is none. */
  async getBuffer(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined> {
    if (!this.q.bucket.get(bucket)) return undefined;
    const v = this.getVersion(bucket, key, versionId);
    if (!v || v.deleteMarker || !v.blob) return undefined;
    return this.blobs.readAll(v.blob);
  }

  /**
   * DeleteObject. Without a version id: a delete marker becomes the latest version (when the key
   * has a current object; otherwise nothing changes). With one: that version is removed for good.
   */
  deleteObject(bucket: string, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    if (versionId === '') throw s3err.invalidArgument('Version id cannot be the empty string', 'versionId', '');
    let removed: string | null = null;
    const out = this.tx(() => {
      this.requireBucket(bucket);
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
          lastModified: this.now(),
          blob: null,
        });
        return { versionId: marker.versionId, deleteMarker: true };
      }
      const row = this.q.version.get(bucket, versionId);
      if (!row || row.key !== key) return { versionId, deleteMarker: false };
      this.q.deleteVersion.run(row.seq);
      removed = row.blob;
      const newest = this.q.newest.get(bucket, key);
      if (newest) this.q.setLatest.run(bucket, key, newest.seq, newest.delete_marker ? 0 : 1);
      else this.q.deleteLatest.run(bucket, key);
      return { versionId, deleteMarker: row.delete_marker === 1 };
    });
    if (removed) this.blobs.remove([removed]);
    return out;
  }

  /** CopyObject: a new version of the target with the source's body (and metadata, unless replaced). */
  async copyObject(input: {
    source: ObjectVersion;
    bucket: string;
    key: string;
    replace?: { contentType?: string; headers: Record<string, string>; metadata: Record<string, string> };
  }): Promise<ObjectVersion> {
    checkKey(input.key);
    this.requireBucket(input.bucket);
    const { source } = input;
    const { blob } = await this.writeBody(this.blobs.read(source.blob!));
    let v: ObjectVersion;
    try {
      v = this.tx(() => {
        this.requireBucket(input.bucket);
        const meta = input.replace ?? { contentType: source.contentType, headers: source.headers, metadata: source.metadata };
        return this.insertVersion({
          bucket: input.bucket,
          key: input.key,
          versionId: newVersionId(),
          deleteMarker: false,
          size: source.size,
          etag: source.etag,
          ...(meta.contentType !== undefined && { contentType: meta.contentType }),
          headers: meta.headers,
          metadata: meta.metadata,
          lastModified: this.now(),
          blob,
        });
      });
    } catch (e) {
      this.blobs.remove([blob]);
      throw e;
    }
    this.emitCreated(v);
    return v;
  }

  /**
   * Lists the current objects of a bucket in UTF-8 byte order: keys under `prefix`, rolled up into
   * common prefixes at `delimiter`, at most `maxKeys` entries (keys + prefixes) after `after`.
   */
  listObjects(bucket: string, input: ListInput): ListResult {
    this.requireBucket(bucket);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter ?? '';
    const contents: ObjectVersion[] = [];
    const commonPrefixes: string[] = [];
    let count = 0;
    let last: string | undefined;
    // The cursor is an exclusive lower bound; `inclusive` starts at the prefix itself.
    let cursor = input.after ?? '';
    let inclusive = false;
    if (prefix > cursor) {
      cursor = prefix;
      inclusive = true;
    }
    if (input.after !== undefined && delimiter && input.after.startsWith(prefix)) {
      // A marker that names a common prefix continues after everything under it.
      const rest = input.after.slice(prefix.length);
      const at = rest.indexOf(delimiter);
      if (at >= 0 && at + delimiter.length === rest.length) cursor = input.after + PAST;
    }
    const batch = 1000;
    let done = false;
    let truncated = false;
    while (!done) {
      const rows = (inclusive ? this.q.listAtOrAfter : this.q.listFrom).all(bucket, cursor, batch);
      inclusive = false;
      if (rows.length === 0) break;
      let jumped = false;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) {
          done = true;
          break;
        }
        let entry: { key?: ObjectVersion; prefix?: string };
        const rest = row.key.slice(prefix.length);
        const at = delimiter ? rest.indexOf(delimiter) : -1;
        if (at >= 0) {
          const cp = prefix + rest.slice(0, at + delimiter.length);
          if (cp === last) {
            cursor = row.key;
            continue;
          }
          entry = { prefix: cp };
        } else {
          entry = { key: toVersion(row) };
        }
        if (count >= input.maxKeys) {
          truncated = input.maxKeys > 0;
          done = true;
          break;
        }
        count++;
        if (entry.prefix !== undefined) {
          commonPrefixes.push(entry.prefix);
          last = entry.prefix;
          cursor = entry.prefix + PAST;
          jumped = true;
          break;
        }
        contents.push(entry.key!);
        last = entry.key!.key;
        cursor = last;
      }
      if (!jumped && rows.length < batch) break;
    }
    return { contents, commonPrefixes, isTruncated: truncated, ...(truncated && { cursor }), ...(last !== undefined && { last }) };
  }

  /**
   * ListObjectVersions: every version and delete marker in UTF-8 byte order of keys, newest first within
   * a key; keys under `prefix`, rolled up into common prefixes at `delimiter`; at most `maxKeys` entries
   * (versions + prefixes) after the key marker (and version id marker). InvalidArgument when the version
   * id marker names no version of the key marker.
   */
  listVersions(bucket: string, input: VersionListInput): VersionListResult {
    this.requireBucket(bucket);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter ?? '';
    // The position is exclusive: versions of `key` older than `seq` come next, then keys after `key`.
    // seq ALL takes in every version of `key`; seq 0 none of them.
    const ALL = Number.MAX_SAFE_INTEGER;
    let key = '';
    let seq = ALL;
    if (input.keyMarker !== undefined && input.keyMarker !== '') {
      key = input.keyMarker;
      seq = 0;
      if (input.versionIdMarker !== undefined && input.versionIdMarker !== '') {
        const row = this.q.version.get(bucket, input.versionIdMarker);
        if (!row || row.key !== input.keyMarker) throw s3err.invalidArgument('Invalid version id specified', 'version-id-marker', input.versionIdMarker);
        seq = row.seq;
      } else if (delimiter && key.startsWith(prefix)) {
        // A key marker that names a common prefix continues after everything under it.
        const rest = key.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0 && at + delimiter.length === rest.length) key += PAST;
      }
    }
    if (prefix > key) {
      key = prefix;
      seq = ALL;
    }
    const entries: VersionListEntry[] = [];
    let lastPrefix: string | undefined;
    let truncated = false;
    const batch = 1000;
    let done = false;
    while (!done) {
      let rows = seq > 0 ? this.q.keyVersionsBefore.all(bucket, key, seq, batch) : [];
      if (rows.length === 0) rows = this.q.versionsAfterKey.all(bucket, key, batch);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) {
          done = true;
          break;
        }
        const rest = row.key.slice(prefix.length);
        const at = delimiter ? rest.indexOf(delimiter) : -1;
        const cp = at >= 0 ? prefix + rest.slice(0, at + delimiter.length) : undefined;
        if (cp !== undefined && cp === lastPrefix) {
          key = row.key;
          seq = row.seq;
          continue;
        }
        if (entries.length >= input.maxKeys) {
          truncated = input.maxKeys > 0;
          done = true;
          break;
        }
        if (cp !== undefined) {
          entries.push({ commonPrefix: cp });
          lastPrefix = cp;
          // Skip every key under the common prefix.
          key = cp + PAST;
          seq = 0;
          break;
        }
        entries.push({ version: toVersion(row), isLatest: row.is_latest === 1 });
        key = row.key;
        seq = row.seq;
      }
    }
    const last = entries.at(-1);
    return {
      entries,
      isTruncated: truncated,
      ...(truncated && last !== undefined && ('commonPrefix' in last ? { nextKeyMarker: last.commonPrefix } : { nextKeyMarker: last.version.key, nextVersionIdMarker: last.version.versionId })),
    };
  }

  // ---- multipart uploads ----

  createUpload(input: { bucket: string; key: string; contentType?: string; headers?: Record<string, string>; metadata?: Record<string, string> }): UploadInfo {
    checkKey(input.key);
    return this.tx(() => {
      this.requireBucket(input.bucket);
      const upload: UploadInfo = {
        uploadId: newUploadId(),
        bucket: input.bucket,
        key: input.key,
        ...(input.contentType !== undefined && { contentType: input.contentType }),
        headers: input.headers ?? {},
        metadata: input.metadata ?? {},
        initiated: this.now(),
      };
      this.q.insertUpload.run(upload.uploadId, upload.bucket, upload.key, upload.contentType ?? null, JSON.stringify(upload.headers), JSON.stringify(upload.metadata), upload.initiated);
      return upload;
    });
  }

  /** The upload, or NoSuchBucket / NoSuchUpload. */
  requireUpload(bucket: string, key: string, uploadId: string): UploadInfo {
    this.requireBucket(bucket);
    const r = this.q.upload.get(uploadId);
    if (!r || r.bucket !== bucket || r.key !== key) throw s3err.noSuchUpload(uploadId);
    return {
      uploadId: r.upload_id,
      bucket: r.bucket,
      key: r.key,
      ...(r.content_type !== null && { contentType: r.content_type }),
      headers: JSON.parse(r.headers),
      metadata: JSON.parse(r.metadata),
      initiated: r.initiated,
    };
  }

  async uploadPart(input: { bucket: string; key: string; uploadId: string; partNumber: number; body: Body; contentMd5?: string; expectedSize?: number }): Promise<PartInfo> {
    this.requireUpload(input.bucket, input.key, input.uploadId);
    const { blob, size, md5 } = await this.writeBody(input.body, input.contentMd5, input.expectedSize);
    let replaced: string | undefined;
    const part: PartInfo = { partNumber: input.partNumber, size, etag: `"${md5.toString('hex')}"`, lastModified: this.now(), blob };
    try {
      this.tx(() => {
        this.requireUpload(input.bucket, input.key, input.uploadId);
        replaced = this.q.part.get(input.uploadId, input.partNumber)?.blob;
        this.q.putPart.run(input.uploadId, part.partNumber, blob, size, part.etag, part.lastModified);
      });
    } catch (e) {
      this.blobs.remove([blob]);
      throw e;
    }
    if (replaced) this.blobs.remove([replaced]);
    return part;
  }

  listParts(bucket: string, key: string, uploadId: string, after: number, max: number): { upload: UploadInfo; parts: PartInfo[]; isTruncated: boolean } {
    const upload = this.requireUpload(bucket, key, uploadId);
    const rows = this.q.parts.all(uploadId, after, max + 1).map(toPart);
    return { upload, parts: rows.slice(0, max), isTruncated: rows.length > max };
  }

  /** CompleteMultipartUpload: the listed parts (ascending, ETags matching) become one new version. */
  async completeUpload(bucket: string, key: string, uploadId: string, requested: { partNumber: number; etag: string }[]): Promise<ObjectVersion> {
    const upload = this.requireUpload(bucket, key, uploadId);
    if (requested.length === 0) throw s3err.malformedXml();
    const stored = new Map(this.q.allParts.all(uploadId).map((r) => [r.part_number as number, toPart(r)]));
    const unquote = (e: string) => e.replace(/^"|"$/g, '');
    const chosen: PartInfo[] = [];
    let previous = 0;
    for (const p of requested) {
      if (p.partNumber <= previous) throw s3err.invalidPartOrder();
      previous = p.partNumber;
      const part = stored.get(p.partNumber);
      if (!part || unquote(part.etag) !== unquote(p.etag)) throw s3err.invalidPart(p.partNumber, p.etag);
      chosen.push(part);
    }
    chosen.forEach((p, i) => {
      if (i < chosen.length - 1 && p.size < S3_LIMITS.minPartBytes) throw s3err.entityTooSmall(S3_LIMITS.minPartBytes, p.size);
    });
    const total = chosen.reduce((n, p) => n + p.size, 0);
    if (total > S3_LIMITS.maxObjectBytes) throw s3err.entityTooLarge(S3_LIMITS.maxObjectBytes, total);
    const blobs = this.blobs;
    async function* concatenated() {
      for (const p of chosen) for await (const chunk of blobs.read(p.blob)) yield chunk as Buffer;
    }
    const { blob, size } = await this.writeBody(concatenated());
    const md5s = createHash('md5');
    for (const p of chosen) md5s.update(Buffer.from(unquote(p.etag), 'hex'));
    let partBlobs: string[] = [];
    let v: ObjectVersion;
    try {
      v = this.tx(() => {
        this.requireUpload(bucket, key, uploadId);
        partBlobs = this.q.allParts.all(uploadId).map((r) => r.blob as string);
        this.q.deleteParts.run(uploadId);
        this.q.deleteUpload.run(uploadId);
        return this.insertVersion({
          bucket,
          key,
          versionId: newVersionId(),
          deleteMarker: false,
          size,
          etag: `"${md5s.digest('hex')}-${chosen.length}"`,
          ...(upload.contentType !== undefined && { contentType: upload.contentType }),
          headers: upload.headers,
          metadata: upload.metadata,
          lastModified: this.now(),
          blob,
        });
      });
    } catch (e) {
      this.blobs.remove([blob]);
      throw e;
    }
    this.blobs.remove(partBlobs);
    this.emitCreated(v);
    return v;
  }

  abortUpload(bucket: string, key: string, uploadId: string) {
    const blobs = this.tx(() => {
      this.requireUpload(bucket, key, uploadId);
      const ids = this.q.allParts.all(uploadId).map((r) => r.blob as string);
      this.q.deleteParts.run(uploadId);
      this.q.deleteUpload.run(uploadId);
      return ids;
    });
    this.blobs.remove(blobs);
  }
}

const toPart = (r: Record<string, any>): PartInfo => ({
  partNumber: r.part_number,
  size: r.size,
  etag: r.etag,
  lastModified: r.last_modified,
  blob: r.blob,
});

export { S3Error };
