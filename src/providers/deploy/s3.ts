// Deploy/S3: the input artifact lands in a bucket of the local S3-compatible store, extracted (each
// file of the zip becomes an object under the optional ObjectKey prefix) or as the zip itself at
// ObjectKey. As in AWS the bucket must exist (`aws s3 mb` first). Object keys go to the store only,
// never to a file path: the store owns where bodies live.
import path from 'node:path';
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import { byteCount, type ActionLog } from '../../logs/actionLogs.js';
import { S3Error } from '../../services/s3/errors.js';
import { PutObjectsError } from '../../services/s3/versions.js';
import { ActionFailure, InProcessProvider, inputArtifact, zipEntries } from './common.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.mjs': 'application/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export const contentTypeOf = (key: string) => CONTENT_TYPES[path.posix.extname(key).toLowerCase()] ?? 'application/octet-stream';

export class S3DeployProvider extends InProcessProvider {
  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    const c = start.resolvedConfiguration;
    const bucket = c.BucketName;
    const extractRaw = (c.Extract ?? '').toLowerCase();
    if (extractRaw !== 'true' && extractRaw !== 'false')
      throw new ActionFailure(`Extract must be true or false, not '${c.Extract ?? ''}'`, 'ConfigurationError');
    const extract = extractRaw === 'true';
    const objectKey = c.ObjectKey ?? '';
    if (!extract && !objectKey) throw new ActionFailure('ObjectKey is required when Extract is false', 'ConfigurationError');
    const objects = this.engine.objects;
    // AWS deploys into an existing bucket only (create it first, e.g. `aws s3 mb`).
    if (!objects.getBucket(bucket)) throw new ActionFailure(`The specified bucket does not exist: ${bucket}`);
    // CannedACL and KMSEncryptionKeyARN are accepted; the local store keeps neither ACLs nor encryption.
    const headers: Record<string, string> = c.CacheControl ? { 'cache-control': c.CacheControl } : {};
    const written = (key: string, size: number) => `Wrote s3://${bucket}/${key} (${byteCount(size)}, ${contentTypeOf(key)})`;
    const failure = (key: string, e: S3Error) => new ActionFailure(`Could not write s3://${bucket}/${key}: ${e.code}: ${e.message}`);
    const artifactName = start.inputArtifacts[0]?.name ?? '';
    if (!extract) {
      // The artifact as is: a copy in the store, its bytes neither read nor written again.
      const loc = start.inputArtifacts[0]?.s3location;
      const source = loc?.bucket && loc.key ? objects.getVersion(loc.bucket, loc.key) : undefined;
      if (source && !source.deleteMarker && source.blob) {
        log.note(`Read the input artifact '${artifactName}' (${byteCount(source.size)}); writing it as is to s3://${bucket}/${objectKey}`);
        try {
          await objects.copyObject({ source, bucket, key: objectKey, replace: { contentType: contentTypeOf(objectKey), headers, metadata: {} } });
        } catch (e) {
          if (e instanceof S3Error) throw failure(objectKey, e);
          throw e;
        }
        log.note(written(objectKey, source.size));
        return { status: 'Succeeded', summary: `Deployed the artifact '${artifactName}' to s3://${bucket}/${objectKey}` };
      }
    }
    const zip = await inputArtifact(this.engine, start);
    log.note(`Read the input artifact '${artifactName}' (${byteCount(zip.length)}); ${extract ? `extracting its files into s3://${bucket}/` : `writing it as is to s3://${bucket}/${objectKey}`}`);
    if (!extract) {
      try {
        await objects.putObject({ bucket, key: objectKey, body: zip, contentType: contentTypeOf(objectKey), headers });
      } catch (e) {
        if (e instanceof S3Error) throw failure(objectKey, e);
        throw e;
      }
      log.note(written(objectKey, zip.length));
      return { status: 'Succeeded', summary: `Deployed the artifact '${artifactName}' to s3://${bucket}/${objectKey}` };
    }
    const prefix = objectKey.replace(/^\/+|\/+$/g, '');
    const entries = await zipEntries(this.engine, zip, artifactName);
    log.note(`Extracted ${entries.size} file${entries.size === 1 ? '' : 's'} (${byteCount([...entries.values()].reduce((sum, d) => sum + d.length, 0))}) from the input artifact '${artifactName}'`);
    // One transaction for the objects (AWS writes them one by one; here all of them or, on a failure,
    // none: the action fails naming the first key that could not be written, as before).
    const items = [...entries].map(([name, body]) => {
      const key = prefix ? `${prefix}/${name}` : name;
      return { key, body, contentType: contentTypeOf(key), headers };
    });
    try {
      await objects.putObjects(bucket, items);
    } catch (e) {
      if (e instanceof PutObjectsError) throw failure(e.key, e.reason);
      throw e;
    }
    for (const it of items) log.note(written(it.key, it.body.length));
    const where = prefix ? `s3://${bucket}/${prefix}/` : `s3://${bucket}/`;
    return { status: 'Succeeded', summary: `Extracted ${entries.size} file${entries.size === 1 ? '' : 's'} of the artifact '${artifactName}' to ${where}` };
  }
}
