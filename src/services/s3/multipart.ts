// Multipart uploads: an upload gathers parts (each its own body, in the database or a file: see
// ./objectBodies.ts); completing it joins the listed parts into one new version of the key, aborting it
// drops them.
import { createHash, randomBytes } from 'node:crypto';
import { writeBody, type Body } from './bodies.js';
import type { Buckets } from './buckets.js';
import { s3err } from './errors.js';
import { S3_LIMITS } from './limits.js';
import type { StoreContext } from './storeContext.js';
import { checkKey, type ObjectVersion, type Versions } from './versions.js';
import { randomId } from './ids.js';

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

const newUploadId = () => randomId(36);

export class Multipart {
  private readonly q;

  constructor(
    private readonly ctx: StoreContext,
    private readonly buckets: Buckets,
    private readonly versions: Versions,
  ) {
    const { db } = ctx;
    this.q = {
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
    };
  }

  createUpload(input: { bucket: string; key: string; contentType?: string; headers?: Record<string, string>; metadata?: Record<string, string> }): UploadInfo {
    checkKey(input.key);
    return this.ctx.tx(() => {
      this.buckets.requireBucket(input.bucket);
      const upload: UploadInfo = {
        uploadId: newUploadId(),
        bucket: input.bucket,
        key: input.key,
        ...(input.contentType !== undefined && { contentType: input.contentType }),
        headers: input.headers ?? {},
        metadata: input.metadata ?? {},
        initiated: this.ctx.now(),
      };
      this.q.insertUpload.run(upload.uploadId, upload.bucket, upload.key, upload.contentType ?? null, JSON.stringify(upload.headers), JSON.stringify(upload.metadata), upload.initiated);
      return upload;
    });
  }

  /** The upload, or NoSuchBucket / NoSuchUpload. */
  requireUpload(bucket: string, key: string, uploadId: string): UploadInfo {
    this.buckets.requireBucket(bucket);
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
    const { bodies } = this.ctx;
    const { body, size, md5 } = await writeBody(bodies, input.body, input.contentMd5, input.expectedSize);
    let replaced: string[] = [];
    const part: PartInfo = { partNumber: input.partNumber, size, etag: `"${md5.toString('hex')}"`, lastModified: this.ctx.now(), blob: body.id };
    try {
      this.ctx.tx(() => {
        this.requireUpload(input.bucket, input.key, input.uploadId);
        const old = this.q.part.get(input.uploadId, input.partNumber)?.blob;
        if (old) replaced = bodies.forget([old]);
        this.q.putPart.run(input.uploadId, part.partNumber, body.id, size, part.etag, part.lastModified);
        bodies.record(body);
      });
    } catch (e) {
      bodies.discard(body);
      throw e;
    }
    bodies.removeFiles(replaced);
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
    const { bodies } = this.ctx;
    async function* concatenated() {
      for (const p of chosen) for await (const chunk of bodies.read(p.blob)) yield chunk as Buffer;
    }
    const { body, size } = await writeBody(bodies, concatenated());
    const md5s = createHash('md5');
    for (const p of chosen) md5s.update(Buffer.from(unquote(p.etag), 'hex'));
    let partFiles: string[] = [];
    const v = this.versions.commit(body, bucket, () => {
      partFiles = bodies.forget(this.dropUpload(bucket, key, uploadId));
      return this.versions.insertNew({
        bucket,
        key,
        size,
        etag: `"${md5s.digest('hex')}-${chosen.length}"`,
        contentType: upload.contentType,
        headers: upload.headers,
        metadata: upload.metadata,
        blob: body.id,
      });
    });
    bodies.removeFiles(partFiles);
    return v;
  }

  abortUpload(bucket: string, key: string, uploadId: string) {
    const { bodies } = this.ctx;
    bodies.removeFiles(this.ctx.tx(() => bodies.forget(this.dropUpload(bucket, key, uploadId))));
  }

  /** Deletes the upload and its parts (inside a transaction); answers the bodies of the parts. */
  private dropUpload(bucket: string, key: string, uploadId: string): string[] {
    this.requireUpload(bucket, key, uploadId);
    const ids = this.q.allParts.all(uploadId).map((r) => r.blob as string);
    this.q.deleteParts.run(uploadId);
    this.q.deleteUpload.run(uploadId);
    return ids;
  }
}

const toPart = (r: Record<string, any>): PartInfo => ({
  partNumber: r.part_number,
  size: r.size,
  etag: r.etag,
  lastModified: r.last_modified,
  blob: r.blob,
});
