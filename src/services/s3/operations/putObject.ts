// PutObject (PUT /bucket/key): a new version of the key, its body streamed to the store.
import { header, objectAttributes, payload, tooLargeUpFront, type Operation } from '../request.js';
import { send } from '../response.js';

export const putObject: Operation = async (r) => {
  tooLargeUpFront(r);
  const attrs = objectAttributes(r);
  const { body, expectedSize } = payload(r);
  const v = await r.deps.objects.putObject({
    bucket: r.bucket,
    key: r.key,
    body,
    expectedSize,
    contentMd5: header(r, 'content-md5'),
    ...attrs,
  });
  send(r, 200, { etag: v.etag, 'x-amz-version-id': v.versionId });
};
