// S3 errors: a code, an HTTP status, a message, and the extra elements S3 puts in its <Error> body.
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, string | number> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const s3err = {
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string, headers: Record<string, string> = {}) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }, headers),
  noSuchVersion: (key: string, versionId: string) =>
    new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key, VersionId: versionId }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(
      'NoSuchUpload',
      404,
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    ),
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket }),
  bucketAlreadyExists: (bucket: string) =>
    new S3Error(
      'BucketAlreadyExists',
      409,
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      { BucketName: bucket },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: bucket }),
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: bucket }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error('InvalidArgument', 400, message, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' }),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', 400, message),
  malformedXml: () =>
    new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema'),
  /** A request document (XML) over the size S3 reads. */
  maxMessageLengthExceeded: () => new S3Error('MaxMessageLengthExceeded', 400, 'Your request was too big.'),
  entityTooLarge: (max: number, proposed?: number) =>
    new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
      ...(proposed !== undefined && { ProposedSize: proposed }),
      MaxSizeAllowed: max,
    }),
  entityTooSmall: (min: number, proposed: number) =>
    new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: proposed, MinSizeAllowed: min }),
  invalidPart: (partNumber: number, etag: string) =>
    new S3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', {
      PartNumber: partNumber,
      ETag: etag,
    }),
  invalidPartOrder: () => new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.'),
  badDigest: () => new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.'),
  invalidDigest: () => new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified is not valid.'),
  incompleteBody: () => new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header'),
  keyTooLong: () => new S3Error('KeyTooLongError', 400, 'Your key is too long'),
  invalidUri: () => new S3Error('InvalidURI', 400, "Couldn't parse the specified URI."),
  invalidRange: (range: string, size: number) =>
    new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: size }, {
      'content-range': `bytes */${size}`,
    }),
  methodNotAllowed: (method: string, resourceType: string, headers: Record<string, string> = {}) =>
    new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: method, ResourceType: resourceType }, headers),
  notImplemented: (what: string) => new S3Error('NotImplemented', 501, `${what} is not implemented by codepipeline-local's S3-compatible store.`),
  preconditionFailed: (condition: string) =>
    new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition }),
  illegalLocationConstraint: (constraint: string, region: string) =>
    new S3Error(
      'IllegalLocationConstraintException',
      400,
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      { LocationConstraint: constraint, Region: region },
    ),
  invalidLocationConstraint: (constraint: string) =>
    new S3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', { LocationConstraint: constraint }),
  /** A credential scope whose region is no region name (Authorization header, or X-Amz-Credential of a presigned URL). */
  badScopeRegion: (region: string, expected: string, presigned: boolean) =>
    presigned
      ? new S3Error('AuthorizationQueryParametersError', 400, `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${expected}'`, { Region: expected })
      : new S3Error('AuthorizationHeaderMalformed', 400, `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected}'`, { Region: expected }),
  internal: () => new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.'),
};
