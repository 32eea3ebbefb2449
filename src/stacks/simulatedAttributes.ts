// Plausible Fn::GetAtt values for resources the emulator records without creating (IAM roles, KMS
// keys, log groups...): ARNs in each service's own shape, so that a real resource given one (a
// pipeline's RoleArn, say) accepts it. Types or attributes not listed answer "arn:aws:<service>:
// <region>:<account>:<id>" for Arn and "<id>.<attribute>" otherwise.

type Shape = (id: string, region: string, account: string) => string;

const ARNS: Record<string, Shape> = {
  'AWS::IAM::Role': (id, _r, a) => `arn:aws:iam::${a}:role/${id}`,
  'AWS::IAM::User': (id, _r, a) => `arn:aws:iam::${a}:user/${id}`,
  'AWS::IAM::Group': (id, _r, a) => `arn:aws:iam::${a}:group/${id}`,
  'AWS::IAM::InstanceProfile': (id, _r, a) => `arn:aws:iam::${a}:instance-profile/${id}`,
  'AWS::IAM::ManagedPolicy': (id, _r, a) => `arn:aws:iam::${a}:policy/${id}`,
  'AWS::KMS::Key': (id, r, a) => `arn:aws:kms:${r}:${a}:key/${id}`,
  'AWS::KMS::Alias': (id, r, a) => `arn:aws:kms:${r}:${a}:${id}`,
  'AWS::Logs::LogGroup': (id, r, a) => `arn:aws:logs:${r}:${a}:log-group:${id}:*`,
  'AWS::Lambda::Function': (id, r, a) => `arn:aws:lambda:${r}:${a}:function:${id}`,
  'AWS::ECR::Repository': (id, r, a) => `arn:aws:ecr:${r}:${a}:repository/${id}`,
  'AWS::Events::Rule': (id, r, a) => `arn:aws:events:${r}:${a}:rule/${id}`,
  'AWS::CodeBuild::Project': (id, r, a) => `arn:aws:codebuild:${r}:${a}:project/${id}`,
  'AWS::SecretsManager::Secret': (id, r, a) => `arn:aws:secretsmanager:${r}:${a}:secret:${id}`,
  'AWS::StepFunctions::StateMachine': (id, r, a) => `arn:aws:states:${r}:${a}:stateMachine:${id}`,
  'AWS::DynamoDB::Table': (id, r, a) => `arn:aws:dynamodb:${r}:${a}:table/${id}`,
  'AWS::ECS::Cluster': (id, r, a) => `arn:aws:ecs:${r}:${a}:cluster/${id}`,
};

const OTHERS: Record<string, Record<string, Shape>> = {
  'AWS::IAM::Role': { RoleId: (id) => `AROA${id.replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(-17).padStart(17, 'X')}` },
  'AWS::KMS::Key': { KeyId: (id) => id },
  'AWS::SQS::Queue': { QueueName: (id) => id, QueueUrl: (id, r, a) => `https://sqs.${r}.amazonaws.com/${a}/${id}` },
  'AWS::SNS::Topic': { TopicName: (id) => id, TopicArn: (id, r, a) => `arn:aws:sns:${r}:${a}:${id}` },
  'AWS::ECR::Repository': { RepositoryUri: (id, r, a) => `${a}.dkr.ecr.${r}.amazonaws.com/${id}` },
  'AWS::SSM::Parameter': { Type: () => 'String' },
  'AWS::Logs::LogGroup': {},
};

/** Types whose physical id (and Ref) is an ARN or a URL rather than the name, as CloudFormation's are. */
const PHYSICAL_IDS: Record<string, Shape> = {
  'AWS::SNS::Topic': (id, r, a) => `arn:aws:sns:${r}:${a}:${id}`,
  'AWS::SQS::Queue': (id, r, a) => `https://sqs.${r}.amazonaws.com/${a}/${id}`,
  'AWS::IAM::ManagedPolicy': (id, _r, a) => `arn:aws:iam::${a}:policy/${id}`,
  'AWS::SecretsManager::Secret': (id, r, a) => `arn:aws:secretsmanager:${r}:${a}:secret:${id}`,
  'AWS::StepFunctions::StateMachine': (id, r, a) => `arn:aws:states:${r}:${a}:stateMachine:${id}`,
};

/** A simulated resource's physical id from its name (the name itself for most types). */
export function simulatedPhysicalId(type: string, name: string, region: string, account: string): string {
  return PHYSICAL_IDS[type]?.(name, region, account) ?? name;
}

/** The name inside a simulated physical id (the last segment of an ARN or URL for the types above). */
export function simulatedName(type: string, physicalId: string): string {
  return PHYSICAL_IDS[type] ? (physicalId.split(/[:/]/).pop() ?? physicalId) : physicalId;
}

/** The value Fn::GetAtt answers for a simulated resource of `type` named `id`. */
export function simulatedAttribute(type: string, id: string, attr: string, region: string, account: string): string {
  if (attr === 'Arn') {
    const shape = ARNS[type];
    if (shape) return shape(id, region, account);
    const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
    return `arn:aws:${service}:${region}:${account}:${id}`;
  }
  const other = OTHERS[type]?.[attr];
  return other ? other(id, region, account) : `${id}.${attr}`;
}
