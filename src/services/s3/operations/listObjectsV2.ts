// ListObjectsV2 (GET /bucket?list-type=2): paged by continuation tokens (opaque cursors) or start-after.
import { s3err } from '../errors.js';
import { decodeToken, encodeToken, listedObjects, listingScope } from '../listingParams.js';
import type { Operation } from '../request.js';
import { sendXml } from '../response.js';

export const listObjectsV2: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  const q = r.query;
  const { encodingType, enc, prefix, delimiter, maxKeys } = listingScope(r);
  const token = q.get('continuation-token') ?? undefined;
  if (token === '') throw s3err.invalidArgument('The continuation token provided is incorrect', 'continuation-token', '');
  const startAfter = q.get('start-after') ?? undefined;
  const after = token !== undefined ? decodeToken(token) : startAfter || undefined;
  const out = r.deps.objects.listObjects(r.bucket, { prefix, delimiter, maxKeys, after });
  sendXml(r, 'ListBucketResult', {
    Name: r.bucket,
    Prefix: enc(prefix),
    ...(delimiter !== undefined && { Delimiter: enc(delimiter) }),
    MaxKeys: maxKeys,
    ...(encodingType && { EncodingType: encodingType }),
    KeyCount: out.contents.length + out.commonPrefixes.length,
    IsTruncated: out.isTruncated,
    ...(token !== undefined && { ContinuationToken: token }),
    ...(out.isTruncated && out.cursor !== undefined && { NextContinuationToken: encodeToken(out.cursor) }),
    ...(startAfter !== undefined && { StartAfter: enc(startAfter) }),
    ...listedObjects(r, out, enc, q.get('fetch-owner') === 'true'),
  });
};
