// Secrets Manager's errors: the exception shapes of its model plus the errors every JSON service may answer.
import { errorFactory, notImplemented, type CommonJsonErrorName } from '../../protocol/errors.js';
import type { ServiceErrorName } from './model/types.generated.js';

export const smError = errorFactory<ServiceErrorName | CommonJsonErrorName>();

export const secretNotFound = () => smError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const markedForDeletion = () => smError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");

export const invalidNextToken = () => smError('InvalidNextTokenException', 'The NextToken value is not valid.');

/** An operation of the model the emulator does not implement: 501 NotImplementedException, naming it. */
export const unimplemented =
  (operation: string) =>
  (): never => {
    throw notImplemented(operation);
  };
