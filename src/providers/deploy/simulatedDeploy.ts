// Deploy providers that would change AWS resources (CodeDeploy, ECS, ECS blue/green, Elastic
// Beanstalk, AppConfig, and the rest of the catalog's Deploy providers): the input artifact is checked
// the way the service would read it (appspec, imagedefinitions.json, taskdef.json, the configuration
// file...), then a simulated deployment is recorded in the store and succeeds, or fails when the local
// configuration's simulate.failDeployments names the action.
import { randomUUID } from 'node:crypto';
import { lazyRequire } from '../../util/lazyRequire.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import type { ActionLog } from '../../logs/actionLogs.js';
import { ActionFailure, InProcessProvider, failureSimulated, inputArtifact, parseJson, randomId, scopeOf, zipEntries } from './common.js';

export interface DeploymentDocument {
  deploymentId: string;
  provider: string;
  status: 'Succeeded' | 'Failed';
  /** What the deployment went to, in words ("service web of the cluster prod"); absent in older records. */
  target?: string;
  configuration: Record<string, string>;
  inputArtifacts: string[];
  /** What the simulated service read from the artifacts (image URIs, rendered task definition, ...). */
  details: Record<string, unknown>;
  pipeline: string;
  pipelineExecutionId: string;
  stage: string;
  action: string;
  actionExecutionId: string;
  created: string;
}

interface Plan {
  deploymentId: string;
  target: string;
  details?: Record<string, unknown>;
}

type Planner = (p: SimulatedDeployProvider, start: ActionStart) => Promise<Plan>;

const deploymentId = () => `d-${randomId(9)}`;

async function files(p: SimulatedDeployProvider, start: ActionStart, name?: string) {
  const artifact = name ?? start.inputArtifacts[0]?.name ?? '';
  return { artifact, entries: await zipEntries(p.eng, await inputArtifact(p.eng, start, name), artifact) };
}

function text(entries: Map<string, Uint8Array>, file: string, artifact: string): string {
  const data = entries.get(file.replace(/^\.?\/+/, ''));
  if (!data) throw new ActionFailure(`The file '${file}' does not exist in the input artifact '${artifact}'`);
  return Buffer.from(data).toString('utf8');
}

function yamlOrJson(body: string, what: string): unknown {
  try {
    return yaml().parse(body);
  } catch (e) {
    throw new ActionFailure(`${what} is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

const codeDeploy: Planner = async (p, start) => {
  const { artifact, entries } = await files(p, start);
  const appspec = ['appspec.yml', 'appspec.yaml', 'appspec.json'].find((f) => entries.has(f));
  if (!appspec) throw new ActionFailure(`The input artifact '${artifact}' has no AppSpec file: CodeDeploy looks for appspec.yml at the root of the revision`);
  yamlOrJson(text(entries, appspec, artifact), `The AppSpec file ${appspec}`);
  const c = start.resolvedConfiguration;
  return { deploymentId: deploymentId(), target: `deployment group ${c.DeploymentGroupName} of the application ${c.ApplicationName}`, details: { appspec, files: entries.size } };
};

const ecs: Planner = async (p, start) => {
  const c = start.resolvedConfiguration;
  const file = c.FileName || 'imagedefinitions.json';
  const { artifact, entries } = await files(p, start);
  const defs = parseJson(text(entries, file, artifact), `The image definitions file ${file}`);
  if (!Array.isArray(defs) || defs.length === 0)
    throw new ActionFailure(`The image definitions file ${file} must be a non-empty JSON array of {"name": container, "imageUri": image}`);
  for (const d of defs)
    if (!d || typeof d.name !== 'string' || !d.name || typeof d.imageUri !== 'string' || !d.imageUri)
      throw new ActionFailure(`The image definitions file ${file} has an entry without a container name and an imageUri: ${JSON.stringify(d)}`);
  if (c.DeploymentTimeout !== undefined && c.DeploymentTimeout !== '') {
    const minutes = Number(c.DeploymentTimeout);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new ActionFailure('DeploymentTimeout must be a whole number of minutes from 1 to 60', 'ConfigurationError');
  }
  return {
    deploymentId: `ecs-svc/${randomId(19, '0123456789')}`,
    target: `service ${c.ServiceName} of the cluster ${c.ClusterName}`,
    details: { images: defs.map((d: { name: string; imageUri: string }) => ({ name: d.name, imageUri: d.imageUri })) },
  };
};

const codeDeployToEcs: Planner = async (p, start) => {
  const c = start.resolvedConfiguration;
  const taskdefFile = c.TaskDefinitionTemplatePath || 'taskdef.json';
  const appspecFile = c.AppSpecTemplatePath || 'appspec.yaml';
  const td = await files(p, start, c.TaskDefinitionTemplateArtifact);
  let taskdefText = text(td.entries, taskdefFile, td.artifact);
  const as = await files(p, start, c.AppSpecTemplateArtifact);
  const appspec = yamlOrJson(text(as.entries, appspecFile, as.artifact), `The AppSpec file ${appspecFile}`) as { Resources?: unknown[] } | null;
  const target = Array.isArray(appspec?.Resources)
    ? (appspec!.Resources as Record<string, any>[]).map((r) => Object.values(r ?? {})[0]).find((r) => r?.Type === 'AWS::ECS::Service')
    : undefined;
  if (!target?.Properties?.TaskDefinition || !target.Properties.LoadBalancerInfo?.ContainerName)
    throw new ActionFailure(
      `The AppSpec file ${appspecFile} must declare a Resources entry of Type AWS::ECS::Service with Properties TaskDefinition and LoadBalancerInfo (ContainerName, ContainerPort)`,
    );
  const images: Record<string, string> = {};
  for (const i of [1, 2, 3, 4]) {
    const art = c[`Image${i}ArtifactName`];
    if (!art) continue;
    const placeholder = c[`Image${i}ContainerName`] || `IMAGE${i}_NAME`;
    const img = await files(p, start, art);
    const detail = parseJson(text(img.entries, 'imageDetail.json', art), `imageDetail.json of the artifact '${art}'`) as { ImageURI?: string };
    if (!detail || typeof detail.ImageURI !== 'string') throw new ActionFailure(`imageDetail.json of the artifact '${art}' has no ImageURI`);
    if (!taskdefText.includes(`<${placeholder}>`)) throw new ActionFailure(`The task definition ${taskdefFile} has no placeholder <${placeholder}> for Image${i}ArtifactName`);
    taskdefText = taskdefText.split(`<${placeholder}>`).join(detail.ImageURI);
    images[placeholder] = detail.ImageURI;
  }
  const taskdef = parseJson(taskdefText, `The task definition ${taskdefFile}`) as { family?: string; containerDefinitions?: unknown[] } | null;
  if (!taskdef || !Array.isArray(taskdef.containerDefinitions) || taskdef.containerDefinitions.length === 0)
    throw new ActionFailure(`The task definition ${taskdefFile} must have containerDefinitions`);
  return {
    deploymentId: deploymentId(),
    target: `deployment group ${c.DeploymentGroupName} of the application ${c.ApplicationName} (ECS blue/green)`,
    details: { taskDefinition: taskdef, images, container: target.Properties.LoadBalancerInfo.ContainerName },
  };
};

const elasticBeanstalk: Planner = async (p, start) => {
  const c = start.resolvedConfiguration;
  const { entries } = await files(p, start);
  const label = `code-pipeline-${p.eng.clock.now()}-${randomId(8).toLowerCase()}`;
  return { deploymentId: label, target: `environment ${c.EnvironmentName} of the application ${c.ApplicationName}`, details: { versionLabel: label, files: entries.size } };
};

const appConfig: Planner = async (p, start) => {
  const c = start.resolvedConfiguration;
  const { artifact, entries } = await files(p, start);
  const content = text(entries, c.InputArtifactConfigurationPath, artifact);
  const scope = scopeOf(start);
  const previous = p.eng.store.simulated
    .list<DeploymentDocument>(scope, 'deployment')
    .filter((r) => r.document.provider === 'AppConfig' && r.document.configuration.Application === c.Application && r.document.configuration.Environment === c.Environment);
  const number = previous.length + 1;
  return {
    deploymentId: `${c.Application}/${c.Environment}/${number}`,
    target: `environment ${c.Environment} of the application ${c.Application} (profile ${c.ConfigurationProfile}, strategy ${c.DeploymentStrategy})`,
    details: { deploymentNumber: number, configurationBytes: Buffer.byteLength(content) },
  };
};

/** Any other Deploy provider of the catalog: the artifacts are read, the deployment recorded. */
const generic: Planner = async (p, start) => {
  const names: string[] = [];
  for (const a of start.inputArtifacts) {
    await inputArtifact(p.eng, start, a.name);
    names.push(a.name!);
  }
  const key = Object.entries(start.resolvedConfiguration).find(([k]) => /Name$|Id$|^Stack$/.test(k));
  return { deploymentId: randomUUID(), target: key ? `${key[0]} ${key[1]}` : 'the target', details: { inputArtifacts: names } };
};

export const SIMULATED_DEPLOY: Record<string, Planner> = {
  CodeDeploy: codeDeploy,
  ECS: ecs,
  CodeDeployToECS: codeDeployToEcs,
  ElasticBeanstalk: elasticBeanstalk,
  AppConfig: appConfig,
  CloudFormationStackSet: generic,
  CloudFormationStackInstances: generic,
  OpsWorks: generic,
  ServiceCatalog: generic,
  EKS: generic,
  EC2: generic,
  Lambda: generic,
};

export class SimulatedDeployProvider extends InProcessProvider {
  constructor(
    engine: ConstructorParameters<typeof InProcessProvider>[0],
    private readonly provider: string,
    private readonly plan: Planner,
  ) {
    super(engine);
  }

  get eng() {
    return this.engine;
  }

  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    log.note(`Simulated ${this.provider} deployment: reading the input artifacts ${start.inputArtifacts.map((a) => `'${a.name}'`).join(', ') || '(none)'}`);
    const plan = await this.plan(this, start);
    const failed = failureSimulated(this.engine, start);
    log.note(`${this.provider} deployment ${plan.deploymentId} to the ${plan.target}`);
    if (plan.details && Object.keys(plan.details).length) log.note(`Read from the artifacts: ${JSON.stringify(plan.details)}`);
    const now = this.engine.clock.now();
    const doc: DeploymentDocument = {
      deploymentId: plan.deploymentId,
      provider: this.provider,
      status: failed ? 'Failed' : 'Succeeded',
      target: plan.target,
      configuration: start.resolvedConfiguration,
      inputArtifacts: start.inputArtifacts.map((a) => a.name!),
      details: plan.details ?? {},
      pipeline: start.execution.pipeline,
      pipelineExecutionId: start.execution.id,
      stage: start.stage.name!,
      action: start.action.name!,
      actionExecutionId: start.actionExecution.id,
      created: new Date(now).toISOString(),
    };
    this.engine.store.tx(() => this.engine.store.simulated.put(scopeOf(start), 'deployment', plan.deploymentId, doc, now));
    const scope = scopeOf(start);
    log.note(`Recorded the simulated deployment ${plan.deploymentId} (${doc.status}) in account ${scope.account}, region ${scope.region}: no AWS resources were changed`);
    if (failed)
      throw new ActionFailure(
        `${this.provider} deployment ${plan.deploymentId} to the ${plan.target} failed (simulated failure: simulate.failDeployments names this action)`,
        'JobFailed',
        { externalExecutionId: plan.deploymentId },
      );
    return {
      status: 'Succeeded',
      summary: `Simulated ${this.provider} deployment ${plan.deploymentId} to the ${plan.target} succeeded (no AWS resources were changed)`,
      externalExecutionId: plan.deploymentId,
    };
  }
}
