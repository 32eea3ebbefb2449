// The resource types stacks create for real, registered once by start()'s wiring. The others are
// simulated by the engine (recorded with a physical id and plausible attributes). The types' modules are
// loaded with the stack engine (ProvisionerRegistry.ready()), or when a stack first works on one, not at start.
import type { ServiceDeps } from '../../appDeps.js';
import type { ObjectStore } from '../../services/s3/store.js';
import { ReplacementRequired, type ProvisionerRegistry, type ResourceProvisioner } from '../provisioners.js';
import type { CodePipelineCall } from './codePipelineApi.js';

/** Accepted, nothing to create (the CDK's metadata resource). */
const nothing: ResourceProvisioner = {
  async create(ctx) {
    return { physicalId: ctx.generatedName(), attributes: {} };
  },
  async update(_ctx, physicalId) {
    return { physicalId, attributes: {} };
  },
  async delete() {},
};

/**
 * A provisioner built on first use by `load`. `updates` says whether the loaded one changes resources in
 * place: the engine reads the presence of update() (no update: a change replaces the resource, a rollback
 * leaves it), so it must be known before the module is.
 */
function onFirstUse(registry: ProvisionerRegistry, load: () => Promise<ResourceProvisioner>, updates: boolean): ResourceProvisioner {
  let loaded: Promise<ResourceProvisioner> | undefined;
  const real = () => (loaded ??= load());
  registry.preload(real);
  return {
    create: async (ctx, properties) => (await real()).create(ctx, properties),
    delete: async (ctx, physicalId, properties) => (await real()).delete(ctx, physicalId, properties),
    ...(updates && {
      update: async (ctx, physicalId, properties, previous) => {
        const p = await real();
        if (!p.update) throw new ReplacementRequired('no update in place');
        return p.update(ctx, physicalId, properties, previous);
      },
    }),
  };
}

/** What the provisioners are built from: the API services' dependencies (read when a resource is worked on) and the S3 store. */
export function registerStackResources(provisioners: ProvisionerRegistry, deps: ServiceDeps, objects: ObjectStore) {
  let caller: CodePipelineCall | undefined;
  const call = async () => (caller ??= (await import('./codePipelineApi.js')).codePipelineCaller(deps));
  const register = (type: string, load: () => Promise<ResourceProvisioner>, updates = true) => provisioners.register(type, onFirstUse(provisioners, load, updates));
  register('AWS::S3::Bucket', async () => (await import('./s3Bucket.js')).s3BucketProvisioner(objects));
  register('AWS::CodePipeline::Pipeline', async () => (await import('./codePipelinePipeline.js')).codePipelinePipelineProvisioner(await call()));
  register('AWS::CodePipeline::Webhook', async () => (await import('./codePipelineWebhook.js')).codePipelineWebhookProvisioner(await call()));
  register('AWS::CodePipeline::CustomActionType', async () => (await import('./codePipelineCustomActionType.js')).codePipelineCustomActionTypeProvisioner(await call()), false);
  register('AWS::CodeCommit::Repository', async () => (await import('./codeCommitRepository.js')).codeCommitRepositoryProvisioner(deps.engine.localConfig, objects));
  register('AWS::Events::Rule', async () => (await import('./eventsRule.js')).eventsRuleProvisioner(deps.store));
  register('AWS::Lambda::Function', async () => (await import('./lambdaFunction.js')).lambdaFunctionProvisioner(deps.store, deps.engine.localConfig));
  register('AWS::CodeStarConnections::Connection', async () => (await import('./codeStarConnection.js')).codeStarConnectionProvisioner());
  register('AWS::CodeBuild::Project', async () => (await import('./codeBuildProject.js')).codeBuildProjectProvisioner(deps.store));
  register('AWS::SSM::Parameter', async () => (await import('./ssmParameter.js')).ssmParameterProvisioner(deps.store));
  register('AWS::SecretsManager::Secret', async () => (await import('./secretsManagerSecret.js')).secretsManagerSecretProvisioner(deps.store));
  provisioners.register('AWS::CDK::Metadata', nothing);
}
