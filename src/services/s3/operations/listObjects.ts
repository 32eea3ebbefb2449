// ListObjects (GET /bucket): the first version of the listing, paged by ?marker.
import { listedObjects, listingScope } from '../listingParams.js';
import type { Operation } from '../request.js';
import { sendXml } from '../response.js';

export const listObjects: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  const { encodingType, enc, prefix, delimiter, maxKeys } = listingScope(r);
  const marker = r.query.get('marker') ?? undefined;
  const out = r.deps.objects.listObjects(r.bucket, { prefix, delimiter, maxKeys, after: marker || undefined });
  sendXml(r, 'ListBucketResult', {
    Name: r.bucket,
    Prefix: enc(prefix),
    Marker: enc(marker ?? ''),
    ...(out.isTruncated && delimiter !== undefined && out.last !== undefined && { NextMarker: enc(out.last) }),
    MaxKeys: maxKeys,
    ...(delimiter !== undefined && { Delimiter: enc(delimiter) }),
    ...(encodingType && { EncodingType: encodingType }),
    IsTruncated: out.isTruncated,
    ...listedObjects(r, out, enc, true),
  });
};
