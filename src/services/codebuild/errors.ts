// CodeBuild's errors: the exception shapes of its model plus the errors every JSON service may answer.
import { errorFactory, notImplemented, type CommonJsonErrorName } from '../../protocol/errors.js';
import type { ServiceErrorName } from './model/types.generated.js';

export const cbError = errorFactory<ServiceErrorName | CommonJsonErrorName>();

export const invalidInput = (message: string) => cbError('InvalidInputException', message);

export const projectNotFound = (arn: string) => cbError('ResourceNotFoundException', `Project cannot be found: ${arn}`);

export const invalidNextToken = () => invalidInput('Invalid next token');

/** An operation of the model the emulator does not implement: 501 NotImplementedException, naming it. */
export const unimplemented =
  (operation: string) =>
  (): never => {
    throw notImplemented(operation);
  };
