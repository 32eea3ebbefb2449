// Lambda functions a stack created (AWS::Lambda::Function with inline Code.ZipFile): the local handler
// the Invoke/Lambda action runs for them, kept in the simulated store (kind 'lambda-function') per
// account and region. The local configuration's lambda.functions still wins for the same name.
import type { LambdaFunctionConfig } from '../../localConfig.js';
import type { SimulatedStore } from '../../simulated/store.js';
import type { Scope } from '../../store/scope.js';

export const LAMBDA_FUNCTION_KIND = 'lambda-function';

export interface StackFunctionDocument {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  /** How the Lambda action runs it: a JS module, or a command (Python); with its Environment.Variables. */
  local: StackFunctionConfig;
}

/** A stack function's local handler and the environment variables its template gives it. */
export type StackFunctionConfig = LambdaFunctionConfig & { environment?: Record<string, string> };

/** The function's own variables over the action's environment; the AWS_ and CODEPIPELINE_ ones stay the emulator's (reserved, as in Lambda). */
export function withFunctionEnvironment(env: Record<string, string>, fn: StackFunctionConfig): Record<string, string> {
  const own = Object.entries(fn.environment ?? {}).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CODEPIPELINE_'));
  return { ...env, ...Object.fromEntries(own) };
}

/** The local handler of a function a stack created, by name or ARN (name:qualifier too). */
export function stackFunction(store: SimulatedStore, scope: Scope, functionName: string): StackFunctionConfig | undefined {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::.+)?$/.exec(functionName);
  const name = arn ? arn[1] : functionName.split(':')[0];
  return store.get<StackFunctionDocument>(scope, LAMBDA_FUNCTION_KIND, name)?.document.local;
}
