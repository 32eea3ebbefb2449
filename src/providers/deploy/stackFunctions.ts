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
  /** How the Lambda action runs it: a JS module, or a command (Python). */
  local: LambdaFunctionConfig;
}

/** The local handler of a function a stack created, by name or ARN (name:qualifier too). */
export function stackFunction(store: SimulatedStore, scope: Scope, functionName: string): LambdaFunctionConfig | undefined {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::.+)?$/.exec(functionName);
  const name = arn ? arn[1] : functionName.split(':')[0];
  return store.get<StackFunctionDocument>(scope, LAMBDA_FUNCTION_KIND, name)?.document.local;
}
