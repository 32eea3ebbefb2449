// Which S3 operation a request is, as S3's REST API tells them apart: the method, what the path names
// (the service, a bucket, or an object key), and a query sub-resource or parameter (?uploads, ?uploadId=,
// ?delete, ?versions, list-type=2) or header (x-amz-copy-source). The first row that matches wins; a
// request no row matches is MethodNotAllowed.
import { s3err } from '../errors.js';
import type { Operation, S3Request } from '../request.js';
import { abortMultipartUpload } from './abortMultipartUpload.js';
import { completeMultipartUpload } from './completeMultipartUpload.js';
import { copyObject } from './copyObject.js';
import { createBucket } from './createBucket.js';
import { createMultipartUpload } from './createMultipartUpload.js';
import { deleteBucket } from './deleteBucket.js';
import { deleteObject } from './deleteObject.js';
import { deleteObjects } from './deleteObjects.js';
import { getBucketEncryption } from './getBucketEncryption.js';
import { getBucketLocation } from './getBucketLocation.js';
import { getBucketVersioning } from './getBucketVersioning.js';
import { getObject } from './getObject.js';
import { headBucket } from './headBucket.js';
import { headObject } from './headObject.js';
import { listBuckets } from './listBuckets.js';
import { listMultipartUploads } from './listMultipartUploads.js';
import { listObjects } from './listObjects.js';
import { listObjectsV2 } from './listObjectsV2.js';
import { listObjectVersions } from './listObjectVersions.js';
import { listParts } from './listParts.js';
import { putBucketVersioning } from './putBucketVersioning.js';
import { putObject } from './putObject.js';
import { UNSUPPORTED, unsupportedSubresource } from './unsupportedSubresource.js';
import { uploadPart } from './uploadPart.js';

type Target = 'service' | 'bucket' | 'object';

interface Route {
  operation: Operation;
  /** What the path names; every target when absent. */
  on?: Target;
  /** Methods (upper case); every method when absent. */
  methods?: string[];
  /** Query parameters, any of which selects the row: a name (present, any value) or name=value. */
  query?: string[];
  /** A request header that must be present. */
  header?: string;
}

const ROUTES: Route[] = [
  // Reading the default encryption is implemented; the encryption sub-resource's other methods are not.
  { on: 'bucket', methods: ['GET'], query: ['encryption'], operation: getBucketEncryption },
  { query: UNSUPPORTED, operation: unsupportedSubresource },
  { on: 'bucket', methods: ['HEAD'], operation: headBucket },
  { on: 'bucket', methods: ['GET'], query: ['location'], operation: getBucketLocation },
  { on: 'bucket', methods: ['GET'], query: ['versioning'], operation: getBucketVersioning },
  { on: 'bucket', methods: ['GET'], query: ['uploads'], operation: listMultipartUploads },
  { on: 'bucket', methods: ['GET'], query: ['versions'], operation: listObjectVersions },
  { on: 'bucket', methods: ['GET'], query: ['list-type=2'], operation: listObjectsV2 },
  { on: 'bucket', methods: ['GET'], operation: listObjects },
  // ?versions anywhere else (the service, an object, a bucket with another method).
  { query: ['versions'], operation: unsupportedSubresource },
  { on: 'service', methods: ['GET', 'HEAD'], operation: listBuckets },
  { on: 'bucket', methods: ['PUT'], query: ['versioning'], operation: putBucketVersioning },
  { on: 'bucket', methods: ['PUT'], operation: createBucket },
  { on: 'bucket', methods: ['DELETE'], operation: deleteBucket },
  { on: 'bucket', methods: ['POST'], query: ['delete'], operation: deleteObjects },
  { on: 'object', methods: ['PUT'], query: ['uploadId', 'partNumber'], operation: uploadPart },
  { on: 'object', methods: ['PUT'], header: 'x-amz-copy-source', operation: copyObject },
  { on: 'object', methods: ['PUT'], operation: putObject },
  { on: 'object', methods: ['GET'], query: ['uploadId'], operation: listParts },
  { on: 'object', methods: ['GET'], operation: getObject },
  { on: 'object', methods: ['HEAD'], operation: headObject },
  { on: 'object', methods: ['DELETE'], query: ['uploadId'], operation: abortMultipartUpload },
  { on: 'object', methods: ['DELETE'], operation: deleteObject },
  { on: 'object', methods: ['POST'], query: ['uploads'], operation: createMultipartUpload },
  { on: 'object', methods: ['POST'], query: ['uploadId'], operation: completeMultipartUpload },
];

const RESOURCE_TYPE: Record<Target, string> = { service: 'SERVICE', bucket: 'BUCKET', object: 'OBJECT' };

function hasParam(query: URLSearchParams, param: string): boolean {
  const eq = param.indexOf('=');
  return eq < 0 ? query.has(param) : query.get(param.slice(0, eq)) === param.slice(eq + 1);
}

/** The operation that answers the request (its bucket and key already parsed). */
export function pickOperation(r: S3Request): Operation {
  const target: Target = r.bucket === '' ? 'service' : r.key === '' ? 'bucket' : 'object';
  const route = ROUTES.find(
    (row) =>
      (row.on === undefined || row.on === target) &&
      (row.methods === undefined || row.methods.includes(r.method)) &&
      (row.query === undefined || row.query.some((p) => hasParam(r.query, p))) &&
      (row.header === undefined || r.req.headers[row.header] !== undefined),
  );
  if (!route) throw s3err.methodNotAllowed(r.method, RESOURCE_TYPE[target]);
  return route.operation;
}
