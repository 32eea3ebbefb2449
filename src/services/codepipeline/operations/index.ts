// Operation name -> handler, for every operation of the model: a missing, extra or misspelled one
// does not compile, and each handler is typed with its validated input and its output. (An
// operation not implemented yet would be listed with a handler that throws NotImplementedException.)
// Each operation's module is loaded on its first call, not at start: a start loads none of the 44, and
// the first answer of an operation loads only its own.
import type { Ctx, Handler } from '../context.js';
import type { Handlers } from '../handler.js';

/** The handler `load` resolves to, loaded on the first call; later calls go to it directly (no extra promise). */
function onFirstCall<H extends (ctx: Ctx, input: any) => unknown>(load: () => Promise<H>): (ctx: Ctx, input: Parameters<H>[1]) => ReturnType<H> | Promise<Awaited<ReturnType<H>>> {
  let handler: H | undefined;
  return (ctx, input) => (handler ? (handler(ctx, input) as ReturnType<H>) : load().then((h) => (handler = h)(ctx, input) as Awaited<ReturnType<H>>));
}

export const operationHandlers: Handlers = {
  CreatePipeline: onFirstCall(async () => (await import('./createPipeline.js')).createPipeline),
  GetPipeline: onFirstCall(async () => (await import('./getPipeline.js')).getPipeline),
  UpdatePipeline: onFirstCall(async () => (await import('./updatePipeline.js')).updatePipeline),
  DeletePipeline: onFirstCall(async () => (await import('./deletePipeline.js')).deletePipeline),
  ListPipelines: onFirstCall(async () => (await import('./listPipelines.js')).listPipelines),
  TagResource: onFirstCall(async () => (await import('./tagResource.js')).tagResource),
  UntagResource: onFirstCall(async () => (await import('./untagResource.js')).untagResource),
  ListTagsForResource: onFirstCall(async () => (await import('./listTagsForResource.js')).listTagsForResource),
  ListActionTypes: onFirstCall(async () => (await import('./listActionTypes.js')).listActionTypes),
  CreateCustomActionType: onFirstCall(async () => (await import('./createCustomActionType.js')).createCustomActionType),
  DeleteCustomActionType: onFirstCall(async () => (await import('./deleteCustomActionType.js')).deleteCustomActionType),
  GetActionType: onFirstCall(async () => (await import('./getActionType.js')).getActionType),
  UpdateActionType: onFirstCall(async () => (await import('./updateActionType.js')).updateActionType),
  ListRuleTypes: onFirstCall(async () => (await import('./listRuleTypes.js')).listRuleTypes),
  PutWebhook: onFirstCall(async () => (await import('./putWebhook.js')).putWebhook),
  ListWebhooks: onFirstCall(async () => (await import('./listWebhooks.js')).listWebhooks),
  DeleteWebhook: onFirstCall(async () => (await import('./deleteWebhook.js')).deleteWebhook),
  RegisterWebhookWithThirdParty: onFirstCall(async () => (await import('./registerWebhookWithThirdParty.js')).registerWebhookWithThirdParty),
  DeregisterWebhookWithThirdParty: onFirstCall(async () => (await import('./deregisterWebhookWithThirdParty.js')).deregisterWebhookWithThirdParty),
  StartPipelineExecution: onFirstCall(async () => (await import('./startPipelineExecution.js')).startPipelineExecution),
  RetryStageExecution: onFirstCall(async () => (await import('./retryStageExecution.js')).retryStageExecution),
  GetPipelineExecution: onFirstCall(async () => (await import('./getPipelineExecution.js')).getPipelineExecution),
  ListPipelineExecutions: onFirstCall(async () => (await import('./listPipelineExecutions.js')).listPipelineExecutions),
  GetPipelineState: onFirstCall(async () => (await import('./getPipelineState.js')).getPipelineState),
  PutApprovalResult: onFirstCall(async () => (await import('./putApprovalResult.js')).putApprovalResult),
  StopPipelineExecution: onFirstCall(async () => (await import('./stopPipelineExecution.js')).stopPipelineExecution),
  PollForJobs: onFirstCall(async () => (await import('./pollForJobs.js')).pollForJobs),
  AcknowledgeJob: onFirstCall(async () => (await import('./acknowledgeJob.js')).acknowledgeJob),
  GetJobDetails: onFirstCall(async () => (await import('./getJobDetails.js')).getJobDetails),
  PutJobSuccessResult: onFirstCall(async () => (await import('./putJobSuccessResult.js')).putJobSuccessResult),
  PutJobFailureResult: onFirstCall(async () => (await import('./putJobFailureResult.js')).putJobFailureResult),
  PollForThirdPartyJobs: onFirstCall(async () => (await import('./pollForThirdPartyJobs.js')).pollForThirdPartyJobs),
  AcknowledgeThirdPartyJob: onFirstCall(async () => (await import('./acknowledgeThirdPartyJob.js')).acknowledgeThirdPartyJob),
  GetThirdPartyJobDetails: onFirstCall(async () => (await import('./getThirdPartyJobDetails.js')).getThirdPartyJobDetails),
  PutThirdPartyJobSuccessResult: onFirstCall(async () => (await import('./putThirdPartyJobSuccessResult.js')).putThirdPartyJobSuccessResult),
  PutThirdPartyJobFailureResult: onFirstCall(async () => (await import('./putThirdPartyJobFailureResult.js')).putThirdPartyJobFailureResult),
  PutActionRevision: onFirstCall(async () => (await import('./putActionRevision.js')).putActionRevision),
  ListDeployActionExecutionTargets: onFirstCall(async () => (await import('./listDeployActionExecutionTargets.js')).listDeployActionExecutionTargets),
  EnableStageTransition: onFirstCall(async () => (await import('./enableStageTransition.js')).enableStageTransition),
  DisableStageTransition: onFirstCall(async () => (await import('./disableStageTransition.js')).disableStageTransition),
  ListActionExecutions: onFirstCall(async () => (await import('./listActionExecutions.js')).listActionExecutions),
  ListRuleExecutions: onFirstCall(async () => (await import('./listRuleExecutions.js')).listRuleExecutions),
  OverrideStageCondition: onFirstCall(async () => (await import('./overrideStageCondition.js')).overrideStageCondition),
  RollbackStage: onFirstCall(async () => (await import('./rollbackStage.js')).rollbackStage),
};

/** The same table for the dispatcher, which looks an operation up by the name a request gives. */
export const handlers: Record<string, Handler | undefined> = operationHandlers;
