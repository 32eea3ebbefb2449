// The action types AWS offers every account (owners AWS and ThirdParty), as data. Providers,
// required/optional configuration and artifact counts follow AWS's action structure reference.
// Flags the reference does not state are filled the same way for all: key = required,
// queryable = false, secret only for credentials.
import type { ActionCategory, ActionConfigurationProperty, ActionType, ActionTypeSettings } from '@aws-sdk/client-codepipeline';

type Range = [min: number, max: number];

/** A configuration property: `name` for required, `name?` for optional, `name!` for a required secret. */
function props(...names: string[]): ActionConfigurationProperty[] {
  return names.map((n) => {
    const optional = n.endsWith('?');
    const secret = n.endsWith('!');
    const name = optional || secret ? n.slice(0, -1) : n;
    return { name, required: !optional, key: !optional, secret, queryable: false };
  });
}

function type(
  owner: 'AWS' | 'ThirdParty',
  category: ActionCategory,
  provider: string,
  input: Range,
  output: Range,
  configuration: ActionConfigurationProperty[],
  settings?: ActionTypeSettings,
): ActionType {
  return {
    id: { category, owner, provider, version: '1' },
    ...(settings && { settings }),
    actionConfigurationProperties: configuration,
    inputArtifactDetails: { minimumCount: input[0], maximumCount: input[1] },
    outputArtifactDetails: { minimumCount: output[0], maximumCount: output[1] },
  };
}

const codeBuildProps = props('ProjectName', 'PrimarySource?', 'BatchEnabled?', 'CombineArtifacts?', 'EnvironmentVariables?');
const codeBuildSettings: ActionTypeSettings = {
  entityUrlTemplate: 'https://console.aws.amazon.com/codebuild/home?#/projects/{Config:ProjectName}/view',
  executionUrlTemplate: 'https://console.aws.amazon.com/codebuild/home?#/builds/{ExternalExecutionId}/view/new',
};
const imageSlots = [1, 2, 3, 4].flatMap((i) => [`Image${i}ArtifactName?`, `Image${i}ContainerName?`]);

export const AWS_ACTION_TYPES: readonly ActionType[] = [
  // Source
  type('AWS', 'Source', 'S3', [0, 0], [1, 1], props('S3Bucket', 'S3ObjectKey', 'PollForSourceChanges?', 'AllowOverrideForS3ObjectKey?')),
  type('AWS', 'Source', 'CodeCommit', [0, 0], [1, 1], props('RepositoryName', 'BranchName', 'PollForSourceChanges?', 'OutputArtifactFormat?')),
  type('AWS', 'Source', 'ECR', [0, 0], [1, 1], props('RepositoryName', 'ImageTag?')),
  type(
    'AWS',
    'Source',
    'CodeStarSourceConnection',
    [0, 0],
    [1, 1],
    props('ConnectionArn', 'FullRepositoryId', 'BranchName', 'OutputArtifactFormat?', 'DetectChanges?'),
  ),
  // Build
  type('AWS', 'Build', 'CodeBuild', [1, 5], [0, 5], codeBuildProps, codeBuildSettings),
  type('AWS', 'Build', 'ECRBuildAndPublish', [1, 1], [0, 0], props('ECRRepositoryName', 'DockerFilePath?', 'ImageTags?', 'RegistryType?')),
  // Test
  type('AWS', 'Test', 'CodeBuild', [1, 5], [0, 5], codeBuildProps, codeBuildSettings),
  type(
    'AWS',
    'Test',
    'DeviceFarm',
    [1, 1],
    [0, 0],
    props(
      'AppType',
      'ProjectId',
      'App',
      'AppiumVersion',
      'DevicePoolArn',
      'TestType',
      'RadioBluetoothEnabled?',
      'RecordAppPerformanceData?',
      'RecordVideo?',
      'RadioWifiEnabled?',
      'RadioNfcEnabled?',
      'RadioGpsEnabled?',
      'Test?',
      'FuzzEventCount?',
      'FuzzEventThrottle?',
      'FuzzRandomizerSeed?',
      'CustomHostMachineArtifacts?',
      'CustomDeviceArtifacts?',
      'UnmeteredDevicesOnly?',
      'JobTimeoutMinutes?',
      'Latitude?',
      'Longitude?',
    ),
  ),
  // Deploy
  type('AWS', 'Deploy', 'S3', [1, 1], [0, 0], props('BucketName', 'Extract', 'ObjectKey?', 'KMSEncryptionKeyARN?', 'CannedACL?', 'CacheControl?')),
  type(
    'AWS',
    'Deploy',
    'CloudFormation',
    [0, 10],
    [0, 1],
    props(
      'ActionMode',
      'StackName',
      'Capabilities?',
      'ChangeSetName?',
      'RoleArn?',
      'TemplatePath?',
      'OutputFileName?',
      'ParameterOverrides?',
      'TemplateConfiguration?',
    ),
  ),
  type(
    'AWS',
    'Deploy',
    'CloudFormationStackSet',
    [1, 3],
    [0, 0],
    props(
      'StackSetName',
      'TemplatePath',
      'Description?',
      'Parameters?',
      'Capabilities?',
      'PermissionModel?',
      'AdministrationRoleArn?',
      'ExecutionRoleName?',
      'OrganizationsAutoDeployment?',
      'DeploymentTargets?',
      'Regions?',
      'FailureTolerancePercentage?',
      'MaxConcurrentPercentage?',
    ),
  ),
  type(
    'AWS',
    'Deploy',
    'CloudFormationStackInstances',
    [0, 3],
    [0, 0],
    props('StackSetName', 'Regions', 'DeploymentTargets?', 'ParameterOverrides?', 'FailureTolerancePercentage?', 'MaxConcurrentPercentage?'),
  ),
  type('AWS', 'Deploy', 'CodeDeploy', [1, 1], [0, 0], props('ApplicationName', 'DeploymentGroupName')),
  type(
    'AWS',
    'Deploy',
    'CodeDeployToECS',
    [1, 5],
    [0, 0],
    props(
      'ApplicationName',
      'DeploymentGroupName',
      'TaskDefinitionTemplateArtifact',
      'AppSpecTemplateArtifact',
      'TaskDefinitionTemplatePath?',
      'AppSpecTemplatePath?',
      ...imageSlots,
    ),
  ),
  type('AWS', 'Deploy', 'ECS', [1, 1], [0, 0], props('ClusterName', 'ServiceName', 'FileName?', 'DeploymentTimeout?')),
  type('AWS', 'Deploy', 'ElasticBeanstalk', [1, 1], [0, 0], props('ApplicationName', 'EnvironmentName')),
  type(
    'AWS',
    'Deploy',
    'AppConfig',
    [1, 1],
    [0, 0],
    props('Application', 'Environment', 'ConfigurationProfile', 'InputArtifactConfigurationPath', 'DeploymentStrategy'),
  ),
  type('AWS', 'Deploy', 'OpsWorks', [1, 1], [0, 0], props('Stack', 'App', 'Layer?')),
  type(
    'AWS',
    'Deploy',
    'ServiceCatalog',
    [1, 1],
    [0, 0],
    props('TemplateFilePath', 'ProductVersionName', 'ProductType', 'ProductId', 'ProductVersionDescription?', 'ConfigurationFilePath?'),
  ),
  type(
    'AWS',
    'Deploy',
    'EKS',
    [1, 1],
    [0, 0],
    props('ClusterName', 'HelmReleaseName?', 'HelmChartLocation?', 'HelmValuesFiles?', 'ManifestFiles?', 'Namespace?', 'SubnetIds?', 'SecurityGroupIds?'),
  ),
  type(
    'AWS',
    'Deploy',
    'EC2',
    [1, 1],
    [0, 0],
    props(
      'InstanceTagKey',
      'InstanceType',
      'InstanceTagValue?',
      'TargetDirectory?',
      'DeploySpec?',
      'MaxBatch?',
      'MaxError?',
      'TargetGroupNameList?',
      'PreScript?',
      'PostScript?',
    ),
  ),
  type('AWS', 'Deploy', 'Lambda', [0, 1], [0, 0], props('FunctionName', 'FunctionAlias?', 'PublishedTargetVersion?', 'DeployStrategy?', 'Alarms?')),
  // Approval
  type('AWS', 'Approval', 'Manual', [0, 0], [0, 0], props('NotificationArn?', 'CustomData?', 'ExternalEntityLink?')),
  // Invoke
  type('AWS', 'Invoke', 'Lambda', [0, 5], [0, 5], props('FunctionName', 'UserParameters?')),
  type('AWS', 'Invoke', 'StepFunctions', [0, 1], [0, 1], props('StateMachineArn', 'ExecutionNamePrefix?', 'InputType?', 'Input?')),
  type('AWS', 'Invoke', 'CodePipeline', [0, 0], [0, 0], props('PipelineName', 'SourceRevisions?', 'Variables?')),
  type(
    'AWS',
    'Invoke',
    'InspectorScan',
    [0, 1],
    [1, 1],
    props('InspectorRunMode', 'ECRRepositoryName?', 'ImageTag?', 'CriticalThreshold?', 'HighThreshold?', 'MediumThreshold?', 'LowThreshold?'),
  ),
  // Compute: the commands themselves are ActionDeclaration fields, not configuration.
  type('AWS', 'Compute', 'Commands', [1, 10], [0, 1], []),
  // ThirdParty
  type('ThirdParty', 'Source', 'GitHub', [0, 0], [1, 1], props('Owner', 'Repo', 'Branch', 'OAuthToken!', 'PollForSourceChanges?')),
  type('ThirdParty', 'Deploy', 'AlexaSkillsKit', [1, 2], [0, 0], props('ClientId', 'ClientSecret!', 'RefreshToken!', 'SkillId')),
];

const key = (category: string, owner: string, provider: string, version: string) => `${owner}/${category}/${provider}/${version}`;
const byId = new Map(AWS_ACTION_TYPES.map((t) => [key(t.id!.category!, t.id!.owner!, t.id!.provider!, t.id!.version!), t]));

/** The catalog entry for an AWS/ThirdParty action type id, if AWS offers it. */
export function catalogActionType(id: { category?: string; owner?: string; provider?: string; version?: string }): ActionType | undefined {
  return byId.get(key(id.category ?? '', id.owner ?? '', id.provider ?? '', id.version ?? ''));
}
