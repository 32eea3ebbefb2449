// PutBucketVersioning (PUT /bucket?versioning): NotImplemented, every bucket is versioned locally.
import { s3err } from '../errors.js';
import type { Operation } from '../request.js';

export const putBucketVersioning: Operation = () => {
  throw s3err.notImplemented('PutBucketVersioning (every bucket is versioned locally)');
};
