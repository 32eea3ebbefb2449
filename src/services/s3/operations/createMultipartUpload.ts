// CreateMultipartUpload (POST /bucket/key?uploads): an upload id; the object's attributes are kept until Complete.
import { objectAttributes, type Operation } from '../request.js';
import { sendXml } from '../response.js';

export const createMultipartUpload: Operation = (r) => {
  const upload = r.deps.objects.createUpload({ bucket: r.bucket, key: r.key, ...objectAttributes(r) });
  sendXml(r, 'InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId });
};
