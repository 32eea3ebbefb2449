// Operation name -> handler, for every operation of the model: a missing, extra or misspelled one
// does not compile, and each handler is typed with its validated input and its output. (An
// operation not implemented yet would be listed with a handler that throws NotImplementedException.)
import type { Handler } from '../context.js';
import type { Handlers } from '../handler.js';
import { createPipeline } from './createPipeline.js';
import { getPipeline } from './getPipeline.js';
import { updatePipeline } from './updatePipeline.js';
import { deletePipeline } from './deletePipeline.js';
import { listPipelines } from './listPipelines.js';
import { tagResource } from './tagResource.js';
import { untagResource } from './untagResource.js';
import { listTagsForResource } from './listTagsForResource.js';
import { listActionTypes } from './listActionTypes.js';
import { createCustomActionType } from './createCustomActionType.js';
import { deleteCustomActionType } from './deleteCustomActionType.js';
import { getActionType } from './getActionType.js';
import { updateActionType } from './updateActionType.js';
import { listRuleTypes } from './listRuleTypes.js';
import { putWebhook } from './putWebhook.js';
import { listWebhooks } from './listWebhooks.js';
import { deleteWebhook } from './deleteWebhook.js';
import { registerWebhookWithThirdParty } from './registerWebhookWithThirdParty.js';
import { deregisterWebhookWithThirdParty } from './deregisterWebhookWithThirdParty.js';
import { startPipelineExecution } from './startPipelineExecution.js';
import { retryStageExecution } from './retryStageExecution.js';
import { getPipelineExecution } from './getPipelineExecution.js';
import { listPipelineExecutions } from './listPipelineExecutions.js';
import { getPipelineState } from './getPipelineState.js';
import { putApprovalResult } from './putApprovalResult.js';
import { stopPipelineExecution } from './stopPipelineExecution.js';
import { pollForJobs } from './pollForJobs.js';
import { acknowledgeJob } from './acknowledgeJob.js';
import { getJobDetails } from './getJobDetails.js';
import { putJobSuccessResult } from './putJobSuccessResult.js';
import { putJobFailureResult } from './putJobFailureResult.js';
import { pollForThirdPartyJobs } from './pollForThirdPartyJobs.js';
import { acknowledgeThirdPartyJob } from './acknowledgeThirdPartyJob.js';
import { getThirdPartyJobDetails } from './getThirdPartyJobDetails.js';
import { putThirdPartyJobSuccessResult } from './putThirdPartyJobSuccessResult.js';
import { putThirdPartyJobFailureResult } from './putThirdPartyJobFailureResult.js';
import { putActionRevision } from './putActionRevision.js';
import { listDeployActionExecutionTargets } from './listDeployActionExecutionTargets.js';
import { enableStageTransition } from './enableStageTransition.js';
import { disableStageTransition } from './disableStageTransition.js';
import { listActionExecutions } from './listActionExecutions.js';
import { listRuleExecutions } from './listRuleExecutions.js';
import { overrideStageCondition } from './overrideStageCondition.js';
import { rollbackStage } from './rollbackStage.js';

export const operationHandlers: Handlers = {
  CreatePipeline: createPipeline,
  GetPipeline: getPipeline,
  UpdatePipeline: updatePipeline,
  DeletePipeline: deletePipeline,
  ListPipelines: listPipelines,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  ListActionTypes: listActionTypes,
  CreateCustomActionType: createCustomActionType,
  DeleteCustomActionType: deleteCustomActionType,
  GetActionType: getActionType,
  UpdateActionType: updateActionType,
  ListRuleTypes: listRuleTypes,
  PutWebhook: putWebhook,
  ListWebhooks: listWebhooks,
  DeleteWebhook: deleteWebhook,
  RegisterWebhookWithThirdParty: registerWebhookWithThirdParty,
  DeregisterWebhookWithThirdParty: deregisterWebhookWithThirdParty,
  StartPipelineExecution: startPipelineExecution,
  RetryStageExecution: retryStageExecution,
  GetPipelineExecution: getPipelineExecution,
  ListPipelineExecutions: listPipelineExecutions,
  GetPipelineState: getPipelineState,
  PutApprovalResult: putApprovalResult,
  StopPipelineExecution: stopPipelineExecution,
  PollForJobs: pollForJobs,
  AcknowledgeJob: acknowledgeJob,
  GetJobDetails: getJobDetails,
  PutJobSuccessResult: putJobSuccessResult,
  PutJobFailureResult: putJobFailureResult,
  PollForThirdPartyJobs: pollForThirdPartyJobs,
  AcknowledgeThirdPartyJob: acknowledgeThirdPartyJob,
  GetThirdPartyJobDetails: getThirdPartyJobDetails,
  PutThirdPartyJobSuccessResult: putThirdPartyJobSuccessResult,
  PutThirdPartyJobFailureResult: putThirdPartyJobFailureResult,
  PutActionRevision: putActionRevision,
  ListDeployActionExecutionTargets: listDeployActionExecutionTargets,
  EnableStageTransition: enableStageTransition,
  DisableStageTransition: disableStageTransition,
  ListActionExecutions: listActionExecutions,
  ListRuleExecutions: listRuleExecutions,
  OverrideStageCondition: overrideStageCondition,
  RollbackStage: rollbackStage,
};

/** The same table for the dispatcher, which looks an operation up by the name a request gives. */
export const handlers: Record<string, Handler | undefined> = operationHandlers;
