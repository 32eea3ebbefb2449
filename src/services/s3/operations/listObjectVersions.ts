// ListObjectVersions (GET /bucket?versions): Version and DeleteMarker entries interleaved in S3's order
// (keys ascending, newest version first), then CommonPrefixes; paged by key-marker and version-id-marker.
import { s3err } from '../errors.js';
import { listingScope } from '../listingParams.js';
import type { Operation } from '../request.js';
import { bucketOwner, sendXmlInOrder } from '../response.js';
import { isoTime, type XmlValue } from '../xml.js';

export const listObjectVersions: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  const q = r.query;
  const { encodingType, enc, prefix, delimiter, maxKeys } = listingScope(r);
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '')
    throw s3err.invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker);
  const out = r.deps.objects.listVersions(r.bucket, { prefix, delimiter, maxKeys, keyMarker, versionIdMarker });
  const owner = bucketOwner(r);
  const entries: [string, XmlValue][] = [];
  const commonPrefixes: XmlValue[] = [];
  for (const e of out.entries) {
    if ('commonPrefix' in e) {
      commonPrefixes.push({ Prefix: enc(e.commonPrefix) });
      continue;
    }
    const v = e.version;
    const common = { Key: enc(v.key), VersionId: v.versionId, IsLatest: e.isLatest, LastModified: isoTime(v.lastModified) };
    if (v.deleteMarker) entries.push(['DeleteMarker', { ...common, Owner: owner }]);
    else entries.push(['Version', { ...common, ETag: v.etag, Size: v.size, StorageClass: 'STANDARD', Owner: owner }]);
  }
  sendXmlInOrder(r, 'ListVersionsResult', [
    ['Name', r.bucket],
    ['Prefix', enc(prefix)],
    ['KeyMarker', enc(keyMarker)],
    ['VersionIdMarker', versionIdMarker],
    ...(out.nextKeyMarker !== undefined ? [['NextKeyMarker', enc(out.nextKeyMarker)] as [string, XmlValue]] : []),
    ...(out.nextVersionIdMarker !== undefined ? [['NextVersionIdMarker', out.nextVersionIdMarker] as [string, XmlValue]] : []),
    ['MaxKeys', maxKeys],
    ...(delimiter !== undefined ? [['Delimiter', enc(delimiter)] as [string, XmlValue]] : []),
    ...(encodingType !== undefined ? [['EncodingType', encodingType] as [string, XmlValue]] : []),
    ['IsTruncated', out.isTruncated],
    ...entries,
    ...commonPrefixes.map((p) => ['CommonPrefixes', p] as [string, XmlValue]),
  ]);
};
