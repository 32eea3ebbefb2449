// DeleteObjects (POST /bucket?delete): up to 1,000 keys (and versions) in one request; each key's
// failure is an <Error> entry, not the request's.
import { S3Error, s3err } from '../errors.js';
import { smallBody, type Operation } from '../request.js';
import { sendXml } from '../response.js';
import { parseXml, text } from '../xml.js';

export const deleteObjects: Operation = async (r) => {
  const doc = await parseXml(await smallBody(r));
  const del = doc?.Delete;
  if (!del || typeof del !== 'object') throw s3err.malformedXml();
  const items: any[] = Array.isArray(del.Object) ? del.Object : [];
  if (items.length === 0 || items.length > 1000) throw s3err.malformedXml();
  const quiet = text(del, 'Quiet') === 'true';
  r.deps.objects.requireBucket(r.bucket);
  const deleted: Record<string, any>[] = [];
  const errors: Record<string, any>[] = [];
  for (const item of items) {
    const key = text(item, 'Key');
    if (key === undefined) throw s3err.malformedXml();
    const versionId = text(item, 'VersionId');
    try {
      const out = r.deps.objects.deleteObject(r.bucket, key, versionId);
      if (quiet) continue;
      deleted.push({
        Key: key,
        ...(versionId !== undefined && { VersionId: versionId }),
        ...(out.deleteMarker && { DeleteMarker: true }),
        ...(out.deleteMarker && versionId === undefined && { DeleteMarkerVersionId: out.versionId }),
      });
    } catch (e) {
      if (!(e instanceof S3Error)) throw e;
      errors.push({ Key: key, ...(versionId !== undefined && { VersionId: versionId }), Code: e.code, Message: e.message });
    }
  }
  sendXml(r, 'DeleteResult', { Deleted: deleted, Error: errors });
};
