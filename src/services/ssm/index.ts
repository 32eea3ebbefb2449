// The SSM API as the router sees it: a JSON 1.1 service (AmazonSSM.<Op>), its model, validator and
// handlers. Only the parameter store's operations are implemented; the rest answer NotImplementedException.
import type { JsonService } from '../../protocol/json11.js';
import type { ServiceDeps } from '../../appDeps.js';
import type { Ctx } from './context.js';
import { serviceModel, TARGET_PREFIX, validateInput } from './model/service.js';
import { handlers } from './operations/index.js';

export const ssm: JsonService<ServiceDeps, Ctx> = {
  name: 'SSM',
  signingName: 'ssm',
  protocol: 'json',
  targetPrefix: TARGET_PREFIX,
  api: {
    operations: serviceModel.operations,
    validate: validateInput,
    handlers,
    context: (deps, call) => ({ ...deps, ...call }),
  },
};
