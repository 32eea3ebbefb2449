// STS as the router sees it: a query-protocol service, its model, validator and handlers.
import type { ServiceDeps } from '../../appDeps.js';
import type { QueryService } from '../../protocol/query.js';
import type { Ctx } from './context.js';
import { serviceModel, validateInput } from './model/service.js';
import { handlers } from './operations/index.js';

export const sts: QueryService<ServiceDeps, Ctx> = {
  name: 'STS',
  signingName: serviceModel.metadata.endpointPrefix,
  protocol: 'query',
  apiVersion: serviceModel.metadata.apiVersion,
  xmlNamespace: serviceModel.metadata.xmlNamespace,
  api: {
    model: serviceModel,
    validate: validateInput,
    handlers,
    context: (deps, call) => ({ ...deps, ...call }),
  },
};
