// Provider registry: which provider runs an action, by its action type.
import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider } from '../engine/provider.js';
import { buildProviders } from './build/index.js';
import { deployProviders } from './deploy/index.js';
import { JobWorkerProvider } from './jobWorker.js';
import { ManualApprovalProvider } from './manualApproval.js';
import { NotSimulatedProvider } from './notSimulated.js';
import { sourcesProviders } from './sources/index.js';

export interface Providers {
  jobWorker: JobWorkerProvider;
  resolve(action: ActionDeclaration): ActionProvider;
  /** Ends every provider's in-process work (builds, local Lambda commands). */
  shutdown(): void;
}

export function registerProviders(engine: Engine): Providers {
  const jobWorker = new JobWorkerProvider(engine);
  const notSimulated = new NotSimulatedProvider(engine);
  // AWS-owned providers run locally, by "Category/Provider".
  const local = new Map<string, ActionProvider>([
    ['Approval/Manual', new ManualApprovalProvider(engine)],
    ...sourcesProviders(engine),
    ...buildProviders(engine),
    ...deployProviders(engine),
  ]);
  const resolve = (action: ActionDeclaration): ActionProvider => {
    const t = action.actionTypeId!;
    if (t.owner === 'Custom' || t.owner === 'ThirdParty') return jobWorker;
    return local.get(`${t.category}/${t.provider}`) ?? notSimulated;
  };
  engine.providerFor = resolve;
  return { jobWorker, resolve, shutdown: () => local.forEach((p) => p.shutdown?.()) };
}
