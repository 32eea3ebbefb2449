// CloudFormation as the router sees it: a query-protocol service, its model, validator and handlers.
// Stacks are the stack engine's (src/stacks/): the pipeline's CloudFormation action and this API share them.
import type { ServiceDeps } from '../../appDeps.js';
import type { AwsError } from '../../protocol/errors.js';
import type { QueryService } from '../../protocol/query.js';
import { StackFailure } from '../../stacks/operation.js';
import { TemplateError } from '../../stacks/template.js';
import type { Ctx } from './context.js';
import { validationError } from './errors.js';
import { serviceModel, validateInput } from './model/service.js';
import { handlers } from './operations/index.js';

export { resumeStackOperations, settleStacks } from './runner.js';

export const cloudFormation: QueryService<ServiceDeps, Ctx> = {
  name: 'CloudFormation',
  signingName: serviceModel.metadata.endpointPrefix,
  protocol: 'query',
  apiVersion: serviceModel.metadata.apiVersion,
  xmlNamespace: serviceModel.metadata.xmlNamespace,
  api: {
    model: serviceModel,
    validate: validateInput,
    handlers,
    context: (deps, call) => ({ ...deps, ...call }),
    // The engine's refusals (a stack in a state that forbids the change, a template that does not evaluate) are ValidationErrors.
    errorOf: (e): AwsError | undefined => (e instanceof StackFailure || e instanceof TemplateError ? validationError(e.message) : undefined),
  },
};
