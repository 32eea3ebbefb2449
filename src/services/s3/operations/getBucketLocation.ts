// GetBucketLocation (GET /bucket?location): empty for us-east-1, as S3 answers.
import type { Operation } from '../request.js';
import { sendXml } from '../response.js';

export const getBucketLocation: Operation = (r) => {
  const b = r.deps.objects.requireBucket(r.bucket);
  sendXml(r, 'LocationConstraint', { _: b.region === 'us-east-1' ? '' : b.region });
};
