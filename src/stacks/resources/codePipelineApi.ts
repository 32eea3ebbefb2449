// CodePipeline resources go through the CodePipeline API's own operation handlers (validated against
// the service model first), so a template meets exactly the rules CreatePipeline and friends apply.
// An API error becomes the resource's failure, worded as CloudFormation reports a service error.
import type { ServiceDeps } from '../../appDeps.js';
import { AwsError } from '../../protocol/errors.js';
import type { Ctx } from '../../services/codepipeline/context.js';
import { validateInput } from '../../services/codepipeline/model/service.js';
import { operationHandlers } from '../../services/codepipeline/operations/index.js';
import type { Scope } from '../../store/scope.js';
import { ProvisionError } from '../provisioners.js';

export type CodePipelineCall = (scope: Scope, operation: string, input: Record<string, unknown>) => Promise<any>;

/** Calls a CodePipeline operation as the stack's account and region would. */
export function codePipelineCaller(deps: ServiceDeps): CodePipelineCall {
  return async (scope, operation, input) => {
    const ctx: Ctx = { ...deps, account: scope.account, region: scope.region, requestId: `cloudformation-${Date.now()}`, baseUrl: deps.baseUrl };
    try {
      const handler = (operationHandlers as Record<string, (c: Ctx, i: unknown) => unknown>)[operation];
      return await handler(ctx, validateInput(operation, input));
    } catch (e) {
      if (e instanceof AwsError) throw new ProvisionError(`${e.message} (Service: CodePipeline, Status Code: ${e.status}, Error Code: ${e.type})`);
      throw e;
    }
  };
}

/** Whether an error is the API's "not found" for the thing being deleted (already gone: the delete succeeds). */
export const notFound = (e: unknown) => e instanceof ProvisionError && /Error Code: (PipelineNotFoundException|WebhookNotFoundException|ActionTypeNotFoundException)\)/.test(e.message);

const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

/** A value of an action's Configuration: a string, as the API holds them (CloudFormation turns booleans and numbers into strings). */
const configValue = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/**
 * CloudFormation's PascalCase properties as the API's camelCase members, recursively. Keys of
 * Configuration maps are the action's own and stay as they are (values become strings).
 */
export function apiShape(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => apiShape(x, key));
  if (!v || typeof v !== 'object') return v;
  if (key === 'Configuration') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, configValue(x)]));
  // A webhook's authentication configuration keeps its members' names (SecretToken, AllowedIPRange) in the API too.
  if (key === 'AuthenticationConfiguration') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [lowerFirst(k), apiShape(x, k)]));
}

/** Tags of a template ([{Key, Value}]) as the API's ([{key, value}]). */
export const apiTags = (tags: unknown): { key: string; value: string }[] =>
  Array.isArray(tags) ? tags.map((t: any) => ({ key: String(t?.Key), value: String(t?.Value) })) : [];
