// Deploy and invoke providers (S3, CloudFormation, CodeDeploy, ECS, Elastic Beanstalk, AppConfig, Lambda, Step Functions...), keyed by "Category/Provider".
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider } from '../../engine/provider.js';

export function deployProviders(_engine: Engine): [string, ActionProvider][] {
  return [];
}
