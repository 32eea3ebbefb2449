// What the S3 source (and its change detection) needs from the local S3-compatible store: read an
// object version with its ETag, and hear about new objects. start() (src/index.ts) adapts the store
// (src/services/s3/store.ts ObjectStore) once with objectStoreSource() and gives the result to the S3
// source provider and to change detection.

export interface SourceObject {
  body: Buffer;
  versionId: string;
  etag: string;
  /** User metadata (x-amz-meta-*), e.g. codepipeline-artifact-revision-summary. */
  metadata?: Record<string, string>;
}

export type SourceObjectResult = { ok: true; object: SourceObject } | { ok: false; code: 'NoSuchBucket' | 'NoSuchKey' | 'NoSuchVersion' };

export interface ObjectCreatedEvent {
  account: string;
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}

export interface SourceObjectStore {
  /** The latest version of an object, or the given version. */
  getObject(account: string, bucket: string, key: string, versionId?: string): Promise<SourceObjectResult>;
  /** Calls `listener` after each object is created (PutObject, CopyObject, CompleteMultipartUpload); returns an unsubscribe. */
  onObjectCreated(listener: (e: ObjectCreatedEvent) => void): () => void;
}

/** The part of the local S3-compatible store (src/services/s3/store.ts ObjectStore) the adapter below uses. */
export interface S3ObjectSource {
  getBucket(name: string): object | undefined;
  getVersion(
    bucket: string,
    key: string,
    versionId?: string,
  ): { versionId: string; etag: string; deleteMarker: boolean; metadata: Record<string, string>; blob: string | null } | undefined;
  /** The whole body of a version getVersion() answered. */
  readBody(v: { blob: string | null }): Promise<Buffer | undefined>;
  onObjectCreated(listener: (e: { account: string; bucket: string; key: string; versionId: string; etag: string }) => void): () => void;
}

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

/** Adapts the S3-compatible store for the S3 source and change detection. */
export function objectStoreSource(s3: S3ObjectSource): SourceObjectStore {
  return {
    async getObject(_account, bucket, key, versionId) {
      if (!s3.getBucket(bucket)) return { ok: false, code: 'NoSuchBucket' };
      const v = s3.getVersion(bucket, key, versionId);
      if (!v || v.deleteMarker) return { ok: false, code: versionId === undefined ? 'NoSuchKey' : 'NoSuchVersion' };
      // The body of the version just found (not looked up again).
      const body = await s3.readBody(v);
      if (!body) return { ok: false, code: 'NoSuchKey' };
      return { ok: true, object: { body, versionId: v.versionId, etag: unquote(v.etag), metadata: v.metadata } };
    },
    onObjectCreated(listener) {
      return s3.onObjectCreated((e) => listener({ account: e.account, bucket: e.bucket, key: e.key, versionId: e.versionId, etag: unquote(e.etag) }));
    },
  };
}
