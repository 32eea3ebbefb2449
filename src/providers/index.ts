// Provider registry: which provider runs an action, by its action type.
import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider } from '../engine/provider.js';
import { JobWorkerProvider } from './jobWorker.js';
import { ManualApprovalProvider } from './manualApproval.js';
import { NotSimulatedProvider } from './notSimulated.js';

export interface Providers {
  jobWorker: JobWorkerProvider;
  resolve(action: ActionDeclaration): ActionProvider;
}

export function registerProviders(engine: Engine): Providers {
  const jobWorker = new JobWorkerProvider(engine);
  const manual = new ManualApprovalProvider(engine);
  const notSimulated = new NotSimulatedProvider(engine);
  const resolve = (action: ActionDeclaration): ActionProvider => {
    const t = action.actionTypeId!;
    if (t.owner === 'Custom' || t.owner === 'ThirdParty') return jobWorker;
    if (t.category === 'Approval' && t.provider === 'Manual') return manual;
    return notSimulated;
  };
  engine.providerFor = resolve;
  return { jobWorker, resolve };
}
