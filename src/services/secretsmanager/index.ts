// The Secrets Manager API as the router sees it: a JSON 1.1 service (secretsmanager.<Op>) over the
// local secrets store (src/secrets/). Secrets, their values and versions are implemented; rotation,
// replication and resource policies answer NotImplementedException.
import type { JsonService } from '../../protocol/json11.js';
import type { ServiceDeps } from '../../appDeps.js';
import type { Ctx } from './context.js';
import { serviceModel, TARGET_PREFIX, validateInput } from './model/service.js';
import { handlers } from './operations/index.js';

export const secretsManager: JsonService<ServiceDeps, Ctx> = {
  name: 'SecretsManager',
  signingName: 'secretsmanager',
  protocol: 'json',
  targetPrefix: TARGET_PREFIX,
  api: {
    operations: serviceModel.operations,
    validate: validateInput,
    handlers,
    context: (deps, call) => ({ ...deps, ...call }),
  },
};
