// CodePipeline's errors: the exception shapes of its model plus the errors every JSON service may
// answer. A misspelled name does not compile.
import { errorFactory, type CommonJsonErrorName } from '../../protocol/errors.js';
import type { ServiceErrorName } from './model/types.generated.js';

export type CodePipelineErrorName = ServiceErrorName | CommonJsonErrorName;

export const cpError = errorFactory<CodePipelineErrorName>();

export const pipelineNotFound = (account: string, name: string) =>
  cpError('PipelineNotFoundException', `Account '${account}' does not have a pipeline with name '${name}'`);

export const invalidNextToken = () => cpError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
