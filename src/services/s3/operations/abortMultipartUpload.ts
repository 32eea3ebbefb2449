// AbortMultipartUpload (DELETE /bucket/key?uploadId=): the upload and its parts are dropped.
import type { Operation } from '../request.js';
import { send } from '../response.js';

export const abortMultipartUpload: Operation = (r) => {
  r.deps.objects.abortUpload(r.bucket, r.key, r.query.get('uploadId')!);
  send(r, 204, {});
};
