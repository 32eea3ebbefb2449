// CopyObject (PUT /bucket/key with x-amz-copy-source): a new version with the source's body, and its
// metadata (x-amz-metadata-directive COPY) or the request's (REPLACE).
import { s3err } from '../errors.js';
import { decode, header, objectAttributes, type Operation } from '../request.js';
import { sendXml } from '../response.js';
import { isoTime } from '../xml.js';

function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  let s = raw;
  let versionId: string | undefined;
  const qi = s.indexOf('?');
  if (qi >= 0) {
    const params = new URLSearchParams(s.slice(qi + 1));
    versionId = params.get('versionId') ?? undefined;
    s = s.slice(0, qi);
  }
  s = decode(s).replace(/^\//, '');
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) throw s3err.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', raw);
  return { bucket: s.slice(0, slash), key: s.slice(slash + 1), versionId };
}

export const copyObject: Operation = async (r) => {
  const { objects } = r.deps;
  const src = parseCopySource(header(r, 'x-amz-copy-source')!);
  const directive = (header(r, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw s3err.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  objects.requireBucket(r.bucket);
  const source = objects.resolve(src.bucket, src.key, src.versionId);
  if (directive === 'COPY' && src.bucket === r.bucket && src.key === r.key && src.versionId === undefined)
    throw s3err.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  const v = await objects.copyObject({ source, bucket: r.bucket, key: r.key, ...(directive === 'REPLACE' && { replace: objectAttributes(r) }) });
  sendXml(r, 'CopyObjectResult', { LastModified: isoTime(v.lastModified), ETag: v.etag }, {
    'x-amz-version-id': v.versionId,
    'x-amz-copy-source-version-id': source.versionId,
  });
};
