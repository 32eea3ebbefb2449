// CORS settings, so the browser SDK can call the emulator from any page.
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
export const CORS_EXPOSE_HEADERS = ['x-amzn-requestid', 'x-amzn-errortype', 'x-amz-request-id', 'etag', 'x-amz-version-id'];

/** The CORS headers of an ordinary (non-preflight) response. */
export const CORS_RESPONSE_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
};
