// What every CodeBuild operation handler receives: who calls, where, and the shared services.
import type { ServiceDeps } from '../../appDeps.js';
import type { Call } from '../../protocol/json11.js';

export type Ctx = ServiceDeps & Call;
