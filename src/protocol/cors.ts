// CORS settings, so the browser SDK can call the emulator from a local page (see requestGuard.ts for who may).
export const CORS_ALLOW_HEADERS = [
  '*',
  'authorization',
  'content-type',
  'x-amz-target',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];
export const CORS_ALLOW_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'];
/** Response headers a page may read: the API's and S3's. */
export const CORS_EXPOSE_HEADERS = [
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-amz-request-id',
  'etag',
  'x-amz-version-id',
  'content-range',
  'content-length',
  'accept-ranges',
  'last-modified',
  'x-amz-delete-marker',
  'x-amz-id-2',
];
export const CORS_MAX_AGE_SECONDS = 86400;
