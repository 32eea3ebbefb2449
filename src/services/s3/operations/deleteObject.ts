// DeleteObject (DELETE /bucket/key): a delete marker, or with ?versionId that version removed for good.
import type { Operation } from '../request.js';
import { send } from '../response.js';

export const deleteObject: Operation = (r) => {
  const versionId = r.query.get('versionId') ?? undefined;
  const out = r.deps.objects.deleteObject(r.bucket, r.key, versionId);
  send(r, 204, {
    ...(out.versionId !== undefined && { 'x-amz-version-id': out.versionId }),
    ...(out.deleteMarker && { 'x-amz-delete-marker': 'true' }),
  });
};
