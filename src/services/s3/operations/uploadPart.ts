// UploadPart (PUT /bucket/key?partNumber=&uploadId=): one part, its body streamed to the store.
import { s3err } from '../errors.js';
import { header, payload, tooLargeUpFront, type Operation, type S3Request } from '../request.js';
import { send } from '../response.js';
import { S3_LIMITS } from '../store.js';

function partNumberOf(r: S3Request): number {
  const raw = r.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= S3_LIMITS.maxPartNumber)) throw s3err.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw);
  return n;
}

export const uploadPart: Operation = async (r) => {
  const uploadId = r.query.get('uploadId');
  if (uploadId === null) throw s3err.invalidRequest('A part upload needs an uploadId');
  if (header(r, 'x-amz-copy-source') !== undefined) throw s3err.notImplemented('UploadPartCopy');
  const partNumber = partNumberOf(r);
  tooLargeUpFront(r);
  const { body, expectedSize } = payload(r);
  const part = await r.deps.objects.uploadPart({ bucket: r.bucket, key: r.key, uploadId, partNumber, body, expectedSize, contentMd5: header(r, 'content-md5') });
  send(r, 200, { etag: part.etag });
};
