// One version of an object as the store answers it (a delete marker included): the type the store's
// parts and the object-created events share.
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
