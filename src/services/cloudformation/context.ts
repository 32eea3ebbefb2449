// What a CloudFormation handler receives: who calls (account, region) and the shared dependencies.
import type { ServiceDeps } from '../../appDeps.js';
import type { Call } from '../../protocol/json11.js';

export type Ctx = ServiceDeps & Call;
