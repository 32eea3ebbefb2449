// ListParts (GET /bucket/key?uploadId=): the parts of an upload, paged by part-number-marker.
import { s3err } from '../errors.js';
import { parseMaxKeys } from '../listingParams.js';
import type { Operation } from '../request.js';
import { bucketOwner, sendXml } from '../response.js';
import { isoTime } from '../xml.js';

export const listParts: Operation = (r) => {
  const uploadId = r.query.get('uploadId')!;
  const max = parseMaxKeys(r, 'max-parts');
  const markerRaw = r.query.get('part-number-marker') ?? '0';
  if (!/^\d{1,5}$/.test(markerRaw)) throw s3err.invalidArgument('Part number marker must be an integer', 'part-number-marker', markerRaw);
  const { parts, isTruncated } = r.deps.objects.listParts(r.bucket, r.key, uploadId, Number(markerRaw), max);
  const owner = bucketOwner(r);
  sendXml(r, 'ListPartsResult', {
    Bucket: r.bucket,
    Key: r.key,
    UploadId: uploadId,
    Initiator: owner,
    Owner: owner,
    StorageClass: 'STANDARD',
    PartNumberMarker: Number(markerRaw),
    NextPartNumberMarker: parts.length ? parts[parts.length - 1].partNumber : 0,
    MaxParts: max,
    IsTruncated: isTruncated,
    Part: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: isoTime(p.lastModified), ETag: p.etag, Size: p.size })),
  });
};
