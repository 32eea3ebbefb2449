// HeadBucket (HEAD /bucket): whether it exists, and its region.
import type { Operation } from '../request.js';
import { send } from '../response.js';

export const headBucket: Operation = (r) => {
  const b = r.deps.objects.requireBucket(r.bucket);
  send(r, 200, { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' });
};
