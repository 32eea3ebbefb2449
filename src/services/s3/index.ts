// The local S3-compatible store: object store (./store.ts and the modules it composes), wire protocol
// (./handler.ts, one file per operation in ./operations/), routing (./routing.ts).
export { ObjectStore, S3_LIMITS, validBucketName, type BucketInfo, type ObjectVersion, type ObjectCreatedEvent, type ObjectCreatedListener, type PutObjectInput } from './store.js';
export { S3Error } from './errors.js';
export { handleS3Request, refuseS3Request, type S3Deps } from './handler.js';
export { claimsS3, isEmulatorSegment, EMULATOR_ROUTE_SEGMENTS } from './routing.js';
