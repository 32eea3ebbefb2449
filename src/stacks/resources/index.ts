// The resource types stacks create for real, registered once by start()'s wiring. The others are
// simulated by the engine (recorded with a physical id and plausible attributes).
import { registerBuildResources } from './codeBuildProject.js';
import type { ServiceDeps } from '../../appDeps.js';
import type { ObjectStore } from '../../services/s3/index.js';
import type { ProvisionerRegistry, ResourceProvisioner } from '../provisioners.js';
import { codeCommitRepositoryProvisioner, CODECOMMIT_REPOSITORY } from './codeCommitRepository.js';
import { codePipelineCaller } from './codePipelineApi.js';
import { codePipelineCustomActionTypeProvisioner, CODEPIPELINE_CUSTOM_ACTION_TYPE } from './codePipelineCustomActionType.js';
import { codePipelinePipelineProvisioner, CODEPIPELINE_PIPELINE } from './codePipelinePipeline.js';
import { codePipelineWebhookProvisioner, CODEPIPELINE_WEBHOOK } from './codePipelineWebhook.js';
import { codeStarConnectionProvisioner, CODESTAR_CONNECTION } from './codeStarConnection.js';
import { eventsRuleProvisioner, EVENTS_RULE } from './eventsRule.js';
import { lambdaFunctionProvisioner, LAMBDA_FUNCTION } from './lambdaFunction.js';
import { s3BucketProvisioner, S3_BUCKET } from './s3Bucket.js';

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

/** What the provisioners are built from: the API services' dependencies (read when a resource is worked on) and the S3 store. */
export function registerStackResources(provisioners: ProvisionerRegistry, deps: ServiceDeps, objects: ObjectStore) {
  const call = codePipelineCaller(deps);
  provisioners.register(S3_BUCKET, s3BucketProvisioner(objects));
  provisioners.register(CODEPIPELINE_PIPELINE, codePipelinePipelineProvisioner(call));
  provisioners.register(CODEPIPELINE_WEBHOOK, codePipelineWebhookProvisioner(call));
  provisioners.register(CODEPIPELINE_CUSTOM_ACTION_TYPE, codePipelineCustomActionTypeProvisioner(call));
  provisioners.register(CODECOMMIT_REPOSITORY, codeCommitRepositoryProvisioner(deps.engine.localConfig, objects));
  provisioners.register(EVENTS_RULE, eventsRuleProvisioner(deps.store));
  provisioners.register(LAMBDA_FUNCTION, lambdaFunctionProvisioner(deps.store, deps.engine.localConfig));
  provisioners.register(CODESTAR_CONNECTION, codeStarConnectionProvisioner());
  provisioners.register('AWS::CDK::Metadata', nothing);
  registerBuildResources(provisioners, deps);
}
