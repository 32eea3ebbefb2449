// Buckets: one global namespace of names, each recording its owner account and region.
import { s3err } from './errors.js';
import type { StoreContext } from './storeContext.js';

export interface BucketInfo {
  name: string;
  account: string;
  region: string;
  created: number;
}

/** S3's bucket naming rules (general purpose buckets). */
export function validBucketName(name: string): boolean {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return false;
  return true;
}

export class Buckets {
  private readonly q;

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
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
    };
  }

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
    return this.ctx.tx(() => {
      const existing = this.q.bucket.get(name);
      if (existing) {
        if (existing.account !== account) throw s3err.bucketAlreadyExists(name);
        return { created: false };
      }
      this.q.insertBucket.run(name, account, region, this.ctx.now());
      return { created: true };
    });
  }

  /** Creates the bucket when missing (artifact buckets are implicit locally); an existing one is kept whoever owns it. */
  ensureBucket(account: string, region: string | undefined, name: string): BucketInfo {
    const existing = this.q.bucket.get(name);
    if (existing) return existing;
    if (!validBucketName(name)) throw s3err.invalidBucketName(name);
    this.ctx.tx(() => {
      if (!this.q.bucket.get(name)) this.q.insertBucket.run(name, account, region ?? 'us-east-1', this.ctx.now());
    });
    return this.q.bucket.get(name)!;
  }

  /**
   * The bucket a write names, looked up once inside the write's transaction (so a DeleteBucket cannot
   * slip between the check and the rows). With `create`, a missing bucket is created for that owner
   * (artifact buckets); without, NoSuchBucket.
   */
  forWrite(name: string, create?: { account: string; region?: string }): BucketInfo {
    const b = this.q.bucket.get(name);
    if (b) return b;
    if (!create) throw s3err.noSuchBucket(name);
    if (!validBucketName(name)) throw s3err.invalidBucketName(name);
    const created: BucketInfo = { name, account: create.account, region: create.region ?? 'us-east-1', created: this.ctx.now() };
    this.q.insertBucket.run(created.name, created.account, created.region, created.created);
    return created;
  }

  /**
   * DeleteBucket. BucketNotEmpty while any key has a current (non-deleted) version; older versions and
   * delete markers go with the bucket (locally, buckets are versioned without asking, so `aws s3 rb`
   * after `aws s3 rm` works as it does on an unversioned bucket).
   */
  deleteBucket(name: string) {
    const files = this.ctx.tx(() => {
      this.requireBucket(name);
      if (this.q.anyLive.get(name)) throw s3err.bucketNotEmpty(name);
      const ids = this.ctx.bodies.forget(this.q.bucketBlobs.all(name, name).map((r) => r.blob));
      this.q.deleteBucketParts.run(name);
      this.q.deleteBucketUploads.run(name);
      this.q.deleteBucketLatest.run(name);
      this.q.deleteBucketObjects.run(name);
      this.q.deleteBucket.run(name);
      return ids;
    });
    this.ctx.bodies.removeFiles(files);
  }
}
