// Provider registry: which provider runs an action, by its action type.
import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { BuildProjects } from '../builds/projects.js';
import type { Engine } from '../engine/engine.js';
import type { ActionProvider, ProviderTable } from '../engine/provider.js';
import { buildProviders } from './build/index.js';
import { deployProviders } from './deploy/index.js';
import type { StackParts } from './deploy/cloudformation.js';
import { JobWorkerProvider } from './jobWorker.js';
import { ManualApprovalProvider } from './manualApproval.js';
import { NotSimulatedProvider } from './notSimulated.js';
import { sourcesProviders, type SourceObjectStore } from './sources/index.js';
import type { CodeBuildProvider } from './build/codeBuild.js';
import { StandaloneBuilds, type StartBuildRequest } from './build/standalone.js';
import type { StoredBuild } from '../builds/buildRecord.js';

export interface Providers {
  jobWorker: JobWorkerProvider;
  resolve(action: ActionDeclaration): ActionProvider;
  /** Ends every provider's in-process work (builds, local Lambda commands). */
  shutdown(): void;
  /** The CodeBuild API's side of the build runner: StartBuild, and StopBuild of any running build (a pipeline's too). */
  builds: BuildControl;
}

export interface BuildControl {
  start(req: StartBuildRequest): StoredBuild;
  /** True when the build was running in this process (it ends STOPPED). */
  stop(buildId: string): boolean;
}

/** What providers share with the rest of the emulator (and the service APIs), built once by start(). */
export interface ProviderParts {
  /** The S3 store as the S3 source reads it. */
  sourceObjects: SourceObjectStore;
  /** The CodeBuild projects and their build numbers. */
  buildProjects: BuildProjects;
  /** What stacks (the CloudFormation action's) are built with: provisioners, the SSM parameter lookup. */
  stacks?: StackParts;
}

/** Builds every provider on the engine and fills the engine's provider table (once). */
export function registerProviders(engine: Engine, table: ProviderTable, parts: ProviderParts): Providers {
  const jobWorker = new JobWorkerProvider(engine);
  const notSimulated = new NotSimulatedProvider(engine);
  // AWS-owned providers run locally, by "Category/Provider".
  const local = new Map<string, ActionProvider>([
    ['Approval/Manual', new ManualApprovalProvider(engine)],
    ...sourcesProviders(engine, parts.sourceObjects),
    ...buildProviders(engine, parts.buildProjects),
    ...deployProviders(engine, parts.stacks),
  ]);
  const resolve = (action: ActionDeclaration): ActionProvider => {
    const t = action.actionTypeId!;
    if (t.owner === 'Custom' || t.owner === 'ThirdParty') return jobWorker;
    return local.get(`${t.category}/${t.provider}`) ?? notSimulated;
  };
  table.fill(resolve);
  const standalone = new StandaloneBuilds(engine, parts.buildProjects);
  const codeBuild = local.get('Build/CodeBuild') as CodeBuildProvider;
  const builds: BuildControl = {
    start: (req) => standalone.start(req),
    stop: (id) => standalone.stop(id) || codeBuild.stopBuild(id),
  };
  return {
    jobWorker,
    resolve,
    builds,
    shutdown: () => {
      local.forEach((p) => p.shutdown?.());
      standalone.shutdown();
    },
  };
}
