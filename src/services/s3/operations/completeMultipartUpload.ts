// CompleteMultipartUpload (POST /bucket/key?uploadId=): the listed parts, ascending, become one new version.
import { s3err } from '../errors.js';
import { header, smallBody, type Operation } from '../request.js';
import { sendXml } from '../response.js';
import { S3_LIMITS } from '../store.js';
import { parseXml, text } from '../xml.js';

export const completeMultipartUpload: Operation = async (r) => {
  const uploadId = r.query.get('uploadId')!;
  r.deps.objects.requireUpload(r.bucket, r.key, uploadId);
  const doc = await parseXml(await smallBody(r));
  const root = doc?.CompleteMultipartUpload;
  if (!root || typeof root !== 'object' || !Array.isArray(root.Part)) throw s3err.malformedXml();
  const parts = (root.Part as any[]).map((p) => {
    const num = text(p, 'PartNumber');
    const etag = text(p, 'ETag');
    if (num === undefined || !/^\d{1,5}$/.test(num) || etag === undefined) throw s3err.malformedXml();
    const partNumber = Number(num);
    if (partNumber < 1 || partNumber > S3_LIMITS.maxPartNumber)
      throw s3err.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', num);
    return { partNumber, etag };
  });
  const v = await r.deps.objects.completeUpload(r.bucket, r.key, uploadId, parts);
  const host = header(r, 'host') ?? 'localhost';
  sendXml(
    r,
    'CompleteMultipartUploadResult',
    { Location: `http://${host}/${encodeURIComponent(r.bucket)}/${r.key.split('/').map(encodeURIComponent).join('/')}`, Bucket: r.bucket, Key: r.key, ETag: v.etag },
    { 'x-amz-version-id': v.versionId },
  );
};
