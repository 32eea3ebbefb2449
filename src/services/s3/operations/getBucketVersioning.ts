// GetBucketVersioning (GET /bucket?versioning): every bucket is versioned locally.
import type { Operation } from '../request.js';
import { sendXml } from '../response.js';

export const getBucketVersioning: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  sendXml(r, 'VersioningConfiguration', { Status: 'Enabled' });
};
