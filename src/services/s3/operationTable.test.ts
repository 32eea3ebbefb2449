// The declared operation table (./operations/index.ts): which operation each method, path and query
// sub-resource selects, in the precedence the S3 store has always had.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { S3Error } from './errors.js';
import { pickOperation } from './operations/index.js';
import { createBucket } from './operations/createBucket.js';
import { copyObject } from './operations/copyObject.js';
import { getBucketEncryption } from './operations/getBucketEncryption.js';
import { getBucketLocation } from './operations/getBucketLocation.js';
import { headBucket } from './operations/headBucket.js';
import { listBuckets } from './operations/listBuckets.js';
import { listObjects } from './operations/listObjects.js';
import { listObjectsV2 } from './operations/listObjectsV2.js';
import { listObjectVersions } from './operations/listObjectVersions.js';
import { listParts } from './operations/listParts.js';
import { putBucketVersioning } from './operations/putBucketVersioning.js';
import { unsupportedSubresource } from './operations/unsupportedSubresource.js';
import { uploadPart } from './operations/uploadPart.js';
import type { S3Request } from './request.js';

const request = (method: string, path: string, query = '', headers: Record<string, string> = {}): S3Request => {
  const [bucket = '', ...key] = path.replace(/^\//, '').split('/');
  return { method, bucket, key: key.join('/'), query: new URLSearchParams(query), req: { headers } as unknown as IncomingMessage } as S3Request;
};
const pick = (...args: Parameters<typeof request>) => pickOperation(request(...args));
const refusal = (...args: Parameters<typeof request>) => {
  try {
    pick(...args);
  } catch (e) {
    return e instanceof S3Error ? `${e.status} ${e.code} ${e.extra.Method} ${e.extra.ResourceType}` : e;
  }
  return 'picked';
};

describe('the S3 operation table', () => {
  it('tells bucket operations apart by sub-resource, the first matching row winning', () => {
    expect(pick('GET', '/')).toBe(listBuckets);
    expect(pick('HEAD', '/b', 'versions')).toBe(headBucket);
    expect(pick('GET', '/b', 'versions&location')).toBe(getBucketLocation);
    expect(pick('GET', '/b', 'versions')).toBe(listObjectVersions);
    expect(pick('GET', '/b', 'list-type=2')).toBe(listObjectsV2);
    expect(pick('GET', '/b', 'list-type=1')).toBe(listObjects);
    expect(pick('PUT', '/b', 'versioning')).toBe(putBucketVersioning);
    expect(pick('PUT', '/b', 'uploads')).toBe(createBucket);
  });

  it('tells object operations apart by query parameter and x-amz-copy-source', () => {
    expect(pick('PUT', '/b/k', 'partNumber=1', { 'x-amz-copy-source': '/b/o' })).toBe(uploadPart);
    expect(pick('PUT', '/b/k/deep', '', { 'x-amz-copy-source': '/b/o' })).toBe(copyObject);
    expect(pick('GET', '/b/k', 'uploadId=u')).toBe(listParts);
  });

  it('answers unimplemented sub-resources NotImplemented before anything else, and an unknown method MethodNotAllowed', () => {
    expect(pick('GET', '/b', 'location&acl')).toBe(unsupportedSubresource);
    expect(pick('PATCH', '/b', 'versions')).toBe(unsupportedSubresource);
    expect(pick('GET', '/b', 'encryption')).toBe(getBucketEncryption);
    expect(pick('PUT', '/b', 'encryption')).toBe(unsupportedSubresource);
    expect(pick('DELETE', '/b', 'encryption')).toBe(unsupportedSubresource);
    expect(pick('GET', '/b/k', 'encryption')).toBe(unsupportedSubresource);
    expect(pick('PUT', '/b/k', 'versions')).toBe(unsupportedSubresource);
    expect(refusal('PUT', '/')).toBe('405 MethodNotAllowed PUT SERVICE');
    expect(refusal('POST', '/b')).toBe('405 MethodNotAllowed POST BUCKET');
    expect(refusal('PATCH', '/b/k')).toBe('405 MethodNotAllowed PATCH OBJECT');
  });
});
