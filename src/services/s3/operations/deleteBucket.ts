// DeleteBucket (DELETE /bucket): BucketNotEmpty while any key has a current version.
import type { Operation } from '../request.js';
import { send } from '../response.js';

export const deleteBucket: Operation = (r) => {
  r.deps.objects.deleteBucket(r.bucket);
  send(r, 204, {});
};
