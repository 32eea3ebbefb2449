// Object-created events: told to listeners (triggers, sources) after a new version commits.
import type { BucketInfo } from './buckets.js';
import type { StoreContext } from './storeContext.js';
import type { ObjectVersion } from './objectVersion.js';

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

export class ObjectCreatedEvents {
  private readonly listeners = new Set<ObjectCreatedListener>();

  constructor(private readonly ctx: StoreContext) {}

  subscribe(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners about `v`, committed in `bucket` (the row its write looked up). */
  emit(v: ObjectVersion, bucket: BucketInfo) {
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
        this.ctx.log.error('s3: an object-created listener failed', e);
      }
    }
  }
}
