// AWS errors: each is a named __type with a message, answered as HTTP 400 unless stated.
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const err = (type: string, message: string, status = 400) => new AwsError(type, message, status);

export const validationError = (message: string) => err('ValidationException', message);

/** AWS's "N validation error(s) detected: a; b" message. */
export function validationErrors(messages: string[]): AwsError {
  const n = messages.length;
  return validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
}

export const pipelineNotFound = (account: string, name: string) =>
  err('PipelineNotFoundException', `Account '${account}' does not have a pipeline with name '${name}'`);

export const invalidNextToken = () => err('InvalidNextTokenException', 'The next token was specified in an invalid format.');

export const notImplemented = (operation: string) =>
  err('NotImplementedException', `${operation} is not implemented yet in codepipeline-local`, 501);
