// What the S3 source (and its change detection) needs from the local S3-compatible store: read an
// object version with its ETag, and hear about new objects. The store attaches itself with
// attachSourceObjectStore(engine, store), or is found as engine.objects (src/services/s3/store.ts ObjectStore);
// without either, a fallback over engine.artifacts is used (versions written through
// engine.artifacts.put after it is first used are seen; the latest one is read).
import type { Engine } from '../../engine/engine.js';

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

const attached = new WeakMap<Engine, SourceObjectStore>();
const fallbacks = new WeakMap<Engine, SourceObjectStore>();

/** Called by the S3-compatible store at start-up. */
export function attachSourceObjectStore(engine: Engine, store: SourceObjectStore) {
  attached.set(engine, store);
}

const adapted = new WeakMap<object, SourceObjectStore>();

export function sourceObjectStore(engine: Engine): SourceObjectStore {
  const store = attached.get(engine);
  if (store) return store;
  // The S3-compatible store sets engine.objects (src/index.ts): adapt it.
  const objects = (engine as unknown as { objects?: S3ObjectSource }).objects;
  if (objects && typeof objects.getVersion === 'function' && typeof objects.onObjectCreated === 'function') {
    let adapter = adapted.get(objects);
    if (!adapter) adapted.set(objects, (adapter = objectStoreSource(objects)));
    return adapter;
  }
  let fallback = fallbacks.get(engine);
  if (!fallback) fallbacks.set(engine, (fallback = artifactsFallback(engine)));
  return fallback;
}

/** Hears writes made through engine.artifacts.put (wrapped once) and reads through engine.artifacts.get. */
function artifactsFallback(engine: Engine): SourceObjectStore {
  const listeners = new Set<(e: ObjectCreatedEvent) => void>();
  const latest = new Map<string, { versionId: string; etag: string }>();
  const keyOf = (bucket: string, key: string) => `${bucket}\u0000${key}`;
  let wrapped: unknown;
  const wrap = () => {
    if (wrapped === engine.artifacts) return;
    const inner = engine.artifacts;
    engine.artifacts = {
      get: (location, versionId) => inner.get(location, versionId),
      put: async (account, location, body) => {
        const out = await inner.put(account, location, body);
        latest.set(keyOf(location.bucket, location.key), out);
        for (const l of [...listeners]) l({ account, bucket: location.bucket, key: location.key, ...out });
        return out;
      },
    };
    wrapped = engine.artifacts;
  };
  return {
    async getObject(_account, bucket, key, versionId) {
      wrap();
      const body = await engine.artifacts.get({ bucket, key }, versionId);
      if (!body) return { ok: false, code: versionId ? 'NoSuchVersion' : 'NoSuchKey' };
      const known = latest.get(keyOf(bucket, key));
      return { ok: true, object: { body, versionId: versionId ?? known?.versionId ?? 'null', etag: known?.etag ?? '' } };
    },
    onObjectCreated(listener) {
      wrap();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The part of the local S3-compatible store (src/services/s3/store.ts ObjectStore) the adapter below uses. */
export interface S3ObjectSource {
  getBucket(name: string): object | undefined;
  getVersion(
    bucket: string,
    key: string,
    versionId?: string,
  ): { versionId: string; etag: string; deleteMarker: boolean; metadata: Record<string, string> } | undefined;
  getBuffer(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined>;
  onObjectCreated(listener: (e: { account: string; bucket: string; key: string; versionId: string; etag: string }) => void): () => void;
}

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

/** Adapts the S3-compatible store: attachSourceObjectStore(engine, objectStoreSource(objects)). */
export function objectStoreSource(s3: S3ObjectSource): SourceObjectStore {
  return {
    async getObject(_account, bucket, key, versionId) {
      if (!s3.getBucket(bucket)) return { ok: false, code: 'NoSuchBucket' };
      const v = s3.getVersion(bucket, key, versionId);
      if (!v || v.deleteMarker) return { ok: false, code: versionId === undefined ? 'NoSuchKey' : 'NoSuchVersion' };
      const body = await s3.getBuffer(bucket, key, v.versionId);
      if (!body) return { ok: false, code: 'NoSuchKey' };
      return { ok: true, object: { body, versionId: v.versionId, etag: unquote(v.etag), metadata: v.metadata } };
    },
    onObjectCreated(listener) {
      return s3.onObjectCreated((e) => listener({ account: e.account, bucket: e.bucket, key: e.key, versionId: e.versionId, etag: unquote(e.etag) }));
    },
  };
}
