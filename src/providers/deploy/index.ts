// Deploy and invoke providers (S3, CloudFormation, CodeDeploy, ECS, Elastic Beanstalk, AppConfig, Lambda, Step Functions...), keyed by "Category/Provider".
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';
import { CloudFormationProvider, type StackParts } from './cloudformation.js';
import { LambdaInvokeProvider } from './lambda.js';
import { S3DeployProvider } from './s3.js';
import { SIMULATED_DEPLOY, SimulatedDeployProvider } from './simulatedDeploy.js';
import { StepFunctionsProvider } from './stepFunctions.js';

export function deployProviders(engine: Engine, stacks: StackParts = {}): [string, ActionProvider][] {
  return [
    ['Deploy/S3', new S3DeployProvider(engine)],
    ['Deploy/CloudFormation', new CloudFormationProvider(engine, stacks)],
    ...Object.entries(SIMULATED_DEPLOY).map(([provider, plan]): [string, ActionProvider] => [`Deploy/${provider}`, new SimulatedDeployProvider(engine, provider, plan)]),
    ['Invoke/Lambda', new LambdaInvokeProvider(engine)],
    ['Invoke/StepFunctions', new StepFunctionsProvider(engine)],
  ];
}
