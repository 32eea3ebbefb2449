// The CodePipeline API as the router sees it: a JSON 1.1 service, its model, validator and handlers.
import type { JsonService } from '../../protocol/json11.js';
import type { ServiceDeps } from '../../appDeps.js';
import type { Ctx } from './context.js';
import { serviceModel, TARGET_PREFIX, validateInput } from './model/service.js';
import { handlers } from './operations/index.js';

export const codePipeline: JsonService<ServiceDeps, Ctx> = {
  name: 'CodePipeline',
  // The model's endpointPrefix: the service its SigV4 credential scope names.
  signingName: 'codepipeline',
  protocol: 'json',
  targetPrefix: TARGET_PREFIX,
  api: {
    operations: serviceModel.operations,
    validate: validateInput,
    handlers,
    context: (deps, call) => ({ ...deps, ...call }),
    // Answers made of stored rows only (GetPipelineState's log links use the fixed public URL).
    reads: {
      operations: new Set(['GetPipeline', 'ListPipelines', 'GetPipelineState', 'GetPipelineExecution', 'ListPipelineExecutions', 'ListActionExecutions', 'ListRuleExecutions', 'PollForJobs', 'PollForThirdPartyJobs', 'ListActionTypes', 'GetActionType', 'ListWebhooks', 'ListTagsForResource']),
      generation: (deps) => deps.store.writeGeneration(),
    },
  },
};
