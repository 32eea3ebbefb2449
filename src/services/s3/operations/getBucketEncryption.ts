// GetBucketEncryption (GET /bucket?encryption): SSE-S3 (AES256), the default S3 applies to every bucket
// since January 2023 (the CDK reads it before uploading assets). Setting another is not implemented.
import type { Operation } from '../request.js';
import { sendXml } from '../response.js';

export const getBucketEncryption: Operation = (r) => {
  r.deps.objects.requireBucket(r.bucket);
  sendXml(r, 'ServerSideEncryptionConfiguration', {
    Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: 'false' },
  });
};
