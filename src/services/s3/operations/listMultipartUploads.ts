// ListMultipartUploads (GET /bucket?uploads): NotImplemented (after NoSuchBucket).
import { s3err } from '../errors.js';
import type { Operation } from '../request.js';

export const listMultipartUploads: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  throw s3err.notImplemented('ListMultipartUploads');
};
