// Deploy/S3: the input artifact lands in a bucket of the local S3-compatible store, extracted (each
// file of the zip becomes an object under the optional ObjectKey prefix) or as the zip itself at
// ObjectKey. As in AWS the bucket must exist (`aws s3 mb` first). Object keys go to the store only,
// never to a file path: the store owns where bodies live.
import path from 'node:path';
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import { byteCount, type ActionLog } from '../../logs/actionLogs.js';
import { S3Error } from '../../services/s3/errors.js';
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
    const put = async (key: string, body: Buffer) => {
      try {
        await objects.putObject({ bucket, key, body, contentType: contentTypeOf(key), headers });
        log.note(`Wrote s3://${bucket}/${key} (${byteCount(body.length)}, ${contentTypeOf(key)})`);
      } catch (e) {
        if (e instanceof S3Error) throw new ActionFailure(`Could not write s3://${bucket}/${key}: ${e.code}: ${e.message}`);
        throw e;
      }
    };
    const zip = await inputArtifact(this.engine, start);
    const artifactName = start.inputArtifacts[0].name ?? '';
    log.note(`Read the input artifact '${artifactName}' (${byteCount(zip.length)}); ${extract ? `extracting its files into s3://${bucket}/` : `writing it as is to s3://${bucket}/${objectKey}`}`);
    if (!extract) {
      await put(objectKey, zip);
      return { status: 'Succeeded', summary: `Deployed the artifact '${artifactName}' to s3://${bucket}/${objectKey}` };
    }
    const prefix = objectKey.replace(/^\/+|\/+$/g, '');
    const entries = await zipEntries(this.engine, zip, artifactName);
    log.note(`Extracted ${entries.size} file${entries.size === 1 ? '' : 's'} (${byteCount([...entries.values()].reduce((sum, d) => sum + d.length, 0))}) from the input artifact '${artifactName}'`);
    for (const [name, data] of entries) await put(prefix ? `${prefix}/${name}` : name, Buffer.from(data));
    const where = prefix ? `s3://${bucket}/${prefix}/` : `s3://${bucket}/`;
    return { status: 'Succeeded', summary: `Extracted ${entries.size} file${entries.size === 1 ? '' : 's'} of the artifact '${artifactName}' to ${where}` };
  }
}
