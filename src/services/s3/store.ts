// The local S3-compatible object store, the one class the rest of the emulator uses. It composes the
// parts named after what they hold: buckets (./buckets.ts), objects and their versions (./versions.ts),
// listings (./listings.ts), multipart uploads (./multipart.ts), object-created events (./events.ts).
// Metadata lives in SQLite; bodies, named by opaque ids, too when small (./inlineBodies.ts), else in
// files (./blobs.ts) flushed before the metadata commits (./objectBodies.ts decides).
import type { Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ArtifactLocation, ArtifactObjects } from '../../engine/artifacts.js';
import { FileBlobs, MemoryBlobs, type Blobs } from './blobs.js';
import { Buckets, type BucketInfo } from './buckets.js';
import { S3Error } from './errors.js';
import { ObjectCreatedEvents, type ObjectCreatedListener } from './events.js';
import { Listings, type ListInput, type ListResult, type VersionListInput, type VersionListResult } from './listings.js';
import { Multipart, type PartInfo, type UploadInfo } from './multipart.js';
import { StoreContext } from './storeContext.js';
import { Versions, type NewObject, type ObjectVersion, type PutObjectInput } from './versions.js';

export { S3_LIMITS } from './limits.js';
export { validBucketName, type BucketInfo } from './buckets.js';
export { checkKey, PutObjectsError, type NewObject, type ObjectVersion, type PutObjectInput } from './versions.js';
export type { ObjectCreatedEvent, ObjectCreatedListener } from './events.js';
export type { ListInput, ListResult, VersionListInput, VersionListEntry, VersionListResult } from './listings.js';
export type { UploadInfo, PartInfo } from './multipart.js';
export type { Body } from './bodies.js';

/** The bodies in files that rows name (bodies kept in s3_bodies are not files). A database file of this schema. */
export const FILE_BODIES_SQL =
  'SELECT blob FROM s3_objects o WHERE blob IS NOT NULL AND NOT EXISTS (SELECT 1 FROM s3_bodies b WHERE b.id = o.blob) ' +
  'UNION ALL SELECT blob FROM s3_parts p WHERE NOT EXISTS (SELECT 1 FROM s3_bodies b WHERE b.id = p.blob)';

export class ObjectStore {
  private readonly buckets: Buckets;
  private readonly events: ObjectCreatedEvents;
  private readonly versions: Versions;
  private readonly listings: Listings;
  private readonly multipart: Multipart;
  private readonly fileBodies;
  private readonly ctx: StoreContext;

  /** The ArtifactObjects the engine uses: artifact buckets are created on first write. */
  readonly artifacts: ArtifactObjects;

  constructor(db: Db, readonly blobs: Blobs, clock: Clock, log: Logger) {
    const ctx = (this.ctx = new StoreContext(db, blobs, clock, log));
    this.buckets = new Buckets(ctx);
    this.events = new ObjectCreatedEvents(ctx);
    this.versions = new Versions(ctx, this.buckets, this.events);
    this.listings = new Listings(ctx, this.buckets, this.versions);
    this.multipart = new Multipart(ctx, this.buckets, this.versions);
    this.fileBodies = db.prepare<[], string>(FILE_BODIES_SQL).pluck();
    this.artifacts = {
      // The bucket is looked up (and created when missing) inside the write's transaction.
      put: async (account: string, location: ArtifactLocation, body: Buffer) => {
        const v = await this.versions.putObject({ bucket: location.bucket, key: location.key, body, contentType: 'application/zip' }, { account });
        return { versionId: v.versionId, etag: v.etag };
      },
      get: async (location: ArtifactLocation, versionId?: string) => this.getBuffer(location.bucket, location.key, versionId),
      copy: async (account: string, source: ArtifactLocation & { versionId: string }, location: ArtifactLocation) => {
        // A bucket's versions go with it: no version, no bucket to ask about.
        const from = this.getVersion(source.bucket, source.key, source.versionId);
        if (!from || from.deleteMarker || !from.blob) return undefined;
        const v = await this.versions.copyObject(
          { source: from, bucket: location.bucket, key: location.key, replace: { contentType: 'application/zip', headers: {}, metadata: {} } },
          { account },
        );
        return { versionId: v.versionId, etag: v.etag };
      },
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

  /** The ids of every body in a file that a row names (object versions and uploaded parts). */
  knownBlobs(): Set<string> {
    return new Set(this.fileBodies.all());
  }

  /** How many bodies the database keeps itself (they are part of its rows, snapshots included). */
  inlineBodyCount(): number {
    return this.ctx.bodies.inline.count();
  }

  /** Subscribes to new object versions (PutObject, CopyObject, CompleteMultipartUpload, artifacts), called after commit. */
  onObjectCreated(listener: ObjectCreatedListener): () => void {
    return this.events.subscribe(listener);
  }

  // ---- buckets (./buckets.ts) ----

  getBucket(name: string): BucketInfo | undefined {
    return this.buckets.getBucket(name);
  }

  requireBucket(name: string): BucketInfo {
    return this.buckets.requireBucket(name);
  }

  listBuckets(account: string): BucketInfo[] {
    return this.buckets.listBuckets(account);
  }

  createBucket(account: string, region: string, name: string): { created: boolean } {
    return this.buckets.createBucket(account, region, name);
  }

  ensureBucket(account: string, region: string | undefined, name: string): BucketInfo {
    return this.buckets.ensureBucket(account, region, name);
  }

  deleteBucket(name: string) {
    this.buckets.deleteBucket(name);
  }

  // ---- objects and versions (./versions.ts) ----

  putObject(input: PutObjectInput): Promise<ObjectVersion> {
    return this.versions.putObject(input);
  }

  /**
   * New versions of several keys of one bucket, committed together (a batch is all or nothing);
   * a failure is a PutObjectsError naming the key.
   */
  putObjects(bucket: string, items: NewObject[]): Promise<ObjectVersion[]> {
    return this.versions.putObjects(bucket, items);
  }

  getVersion(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    return this.versions.getVersion(bucket, key, versionId);
  }

  resolve(bucket: string, key: string, versionId?: string): ObjectVersion {
    return this.versions.resolve(bucket, key, versionId);
  }

  openBody(v: ObjectVersion, range?: { start: number; end: number }): Buffer | Readable {
    return this.versions.openBody(v, range);
  }

  /** The whole body of a version (undefined for a delete marker). */
  readBody(v: Pick<ObjectVersion, 'blob'>): Promise<Buffer | undefined> {
    return this.versions.readBody(v);
  }

  getBuffer(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined> {
    return this.versions.getBuffer(bucket, key, versionId);
  }

  deleteObject(bucket: string, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    return this.versions.deleteObject(bucket, key, versionId);
  }

  copyObject(input: Parameters<Versions['copyObject']>[0]): Promise<ObjectVersion> {
    return this.versions.copyObject(input);
  }

  // ---- listings (./listings.ts) ----

  listObjects(bucket: string, input: ListInput): ListResult {
    return this.listings.listObjects(bucket, input);
  }

  listVersions(bucket: string, input: VersionListInput): VersionListResult {
    return this.listings.listVersions(bucket, input);
  }

  // ---- multipart uploads (./multipart.ts) ----

  createUpload(input: Parameters<Multipart['createUpload']>[0]): UploadInfo {
    return this.multipart.createUpload(input);
  }

  requireUpload(bucket: string, key: string, uploadId: string): UploadInfo {
    return this.multipart.requireUpload(bucket, key, uploadId);
  }

  uploadPart(input: Parameters<Multipart['uploadPart']>[0]): Promise<PartInfo> {
    return this.multipart.uploadPart(input);
  }

  listParts(bucket: string, key: string, uploadId: string, after: number, max: number): { upload: UploadInfo; parts: PartInfo[]; isTruncated: boolean } {
    return this.multipart.listParts(bucket, key, uploadId, after, max);
  }

  completeUpload(bucket: string, key: string, uploadId: string, requested: { partNumber: number; etag: string }[]): Promise<ObjectVersion> {
    return this.multipart.completeUpload(bucket, key, uploadId, requested);
  }

  abortUpload(bucket: string, key: string, uploadId: string) {
    this.multipart.abortUpload(bucket, key, uploadId);
  }
}

export { S3Error };
