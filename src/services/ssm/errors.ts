// SSM's errors: the exception shapes of its model plus the errors every JSON service may answer.
import { errorFactory, notImplemented, type CommonJsonErrorName } from '../../protocol/errors.js';
import type { ServiceErrorName } from './model/types.generated.js';

export const ssmError = errorFactory<ServiceErrorName | CommonJsonErrorName>();

/** AWS answers a missing parameter with an empty message. */
export const parameterNotFound = () => ssmError('ParameterNotFound', '');

export const invalidNextToken = () => ssmError('InvalidNextToken', 'The specified token is not valid.');

/** An operation of the model the emulator does not implement: 501 NotImplementedException, naming it. */
export const unimplemented =
  (operation: string) =>
  (): never => {
    throw notImplemented(operation);
  };
