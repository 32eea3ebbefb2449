// What an STS handler receives: who calls (account, region, key) and the shared dependencies.
import type { ServiceDeps } from '../../appDeps.js';
import type { Call } from '../../protocol/json11.js';

export type Ctx = ServiceDeps & Call;
