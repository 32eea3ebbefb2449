// Deploy and invoke providers (S3, CloudFormation, CodeDeploy, ECS, Elastic Beanstalk, AppConfig, Lambda, Step Functions...), keyed by "Category/Provider".
import type { ActionResult, Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import type { ActionLog } from '../../logs/actionLogs.js';
import type { StackParts } from './cloudformation.js';
import { InProcessProvider } from './common.js';
import { LambdaInvokeProvider } from './lambda.js';
import { S3DeployProvider } from './s3.js';
import { SIMULATED_DEPLOY, SimulatedDeployProvider } from './simulatedDeploy.js';
import { StepFunctionsProvider } from './stepFunctions.js';

export function deployProviders(engine: Engine, stacks: StackParts = {}): [string, ActionProvider][] {
  return [
    ['Deploy/S3', new S3DeployProvider(engine)],
    ['Deploy/CloudFormation', new CloudFormationOnFirstUse(engine, stacks)],
    ...Object.entries(SIMULATED_DEPLOY).map(([provider, plan]): [string, ActionProvider] => [`Deploy/${provider}`, new SimulatedDeployProvider(engine, provider, plan)]),
    ['Invoke/Lambda', new LambdaInvokeProvider(engine)],
    ['Invoke/StepFunctions', new StepFunctionsProvider(engine)],
  ];
}

/** The CloudFormation action, whose module (and the stack engine) is loaded when the first one runs, not at start. */
class CloudFormationOnFirstUse extends InProcessProvider {
  private provider: Promise<{ execute(start: ActionStart, log: ActionLog): Promise<ActionResult> }> | undefined;

  constructor(
    engine: Engine,
    private readonly stacks: StackParts,
  ) {
    super(engine);
  }

  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    // execute() is protected: the loaded provider is reached as what it is to this wrapper, an InProcessProvider.
    // With the resource types' modules, so the stack operation never waits for one midway.
    this.provider ??= Promise.all([import('./cloudformation.js'), this.stacks.provisioners?.ready()]).then(
      ([m]) => new m.CloudFormationProvider(this.engine, this.stacks) as unknown as { execute(start: ActionStart, log: ActionLog): Promise<ActionResult> },
    );
    return (await this.provider).execute(start, log);
  }
}
