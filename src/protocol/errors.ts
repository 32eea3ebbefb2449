// AWS errors: each is a named __type with a message, answered as HTTP 400 unless stated. Which names
// exist is the service's knowledge: a service makes its own factory with errorFactory<ItsNames>(),
// so a name its model does not know fails to compile.
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The errors any AWS JSON service may answer, whatever its model lists (AWS's "Common Errors"). */
export const COMMON_JSON_ERRORS = [
  'AccessDeniedException',
  'IncompleteSignatureException',
  'InternalFailure',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'NotImplementedException',
  'RequestEntityTooLargeException',
  'SerializationException',
  'ServiceUnavailableException',
  'ThrottlingException',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationException',
] as const;
export type CommonJsonErrorName = (typeof COMMON_JSON_ERRORS)[number];

/** A factory of AwsErrors whose names are only those of N. */
export const errorFactory =
  <N extends string>() =>
  (type: N, message: string, status = 400): AwsError =>
    new AwsError(type, message, status);

/** The protocol's own errors, common to every JSON service. */
export const err = errorFactory<CommonJsonErrorName>();

/** The query protocol's (STS, CloudFormation) spelling of the common errors it answers itself. */
export type CommonQueryErrorName = 'AccessDenied' | 'InternalFailure' | 'MissingAction' | 'NotImplemented' | 'RequestEntityTooLarge';
export const queryErr = errorFactory<CommonQueryErrorName>();

export const validationError = (message: string) => err('ValidationException', message);

/** AWS's "N validation error(s) detected: a; b" message. */
export function validationErrors(messages: string[]): AwsError {
  const n = messages.length;
  return validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
}

export const notImplemented = (operation: string) =>
  err('NotImplementedException', `${operation} is not implemented yet in codepipeline-local`, 501);
