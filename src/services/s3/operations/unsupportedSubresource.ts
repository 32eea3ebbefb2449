// The sub-resources of S3 this store does not implement (ACLs, policies, tagging, CORS, lifecycle...):
// NotImplemented, never mistaken for another operation. ?versions lands here everywhere but on GET or
// HEAD of a bucket (ListObjectVersions).
import { s3err } from '../errors.js';
import type { Operation } from '../request.js';

export const UNSUPPORTED = [
  'acl', 'tagging', 'policy', 'policyStatus', 'cors', 'lifecycle', 'website', 'logging', 'notification', 'replication',
  'encryption', 'ownershipControls', 'publicAccessBlock', 'accelerate', 'requestPayment', 'analytics', 'inventory',
  'metrics', 'intelligent-tiering', 'object-lock', 'legal-hold', 'retention', 'torrent', 'restore', 'select',
  'attributes', 'session', 'metadataTable', 'renameObject',
];

export const unsupportedSubresource: Operation = (r) => {
  const name = UNSUPPORTED.find((n) => r.query.has(n)) ?? 'versions';
  throw s3err.notImplemented(`The '${name}' sub-resource`);
};
