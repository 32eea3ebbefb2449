// Shared by the CloudFormation API suites: a client, a stack waiter, templates.
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { ACCOUNT } from './harness.js';
import { until } from './engineKit.js';

export function cfnClient(endpoint: string, opts: { region?: string; accessKeyId?: string } = {}): CloudFormationClient {
  return new CloudFormationClient({
    endpoint,
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? ACCOUNT, secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Polls DescribeStacks until the stack leaves *_IN_PROGRESS (bounded). */
export async function settled(cf: CloudFormationClient, stackName: string): Promise<Stack> {
  const out = await until(
    async () => (await cf.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0],
    (s) => !s.StackStatus!.endsWith('_IN_PROGRESS') || s.StackStatus === 'REVIEW_IN_PROGRESS',
    15_000,
  );
  return out;
}

/** A template with a bucket, a parameter, a NoEcho parameter and outputs (one exported). */
export const BUCKET_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: A bucket and its outputs
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
    Description: where it runs
  Token:
    Type: String
    NoEcho: true
    Default: hunter2
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      Owner: team
    Properties:
      BucketName: !Sub 'site-\${Env}'
Outputs:
  BucketName:
    Description: the bucket's name
    Value: !Ref Bucket
    Export:
      Name: !Sub '\${AWS::StackName}-bucket'
  Where:
    Value: !Sub '\${Env}-\${AWS::Region}-\${AWS::AccountId}'
`;

/** The same with an IAM role (CAPABILITY_IAM). */
export const ROLE_TEMPLATE = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Queue:
    Type: AWS::SQS::Queue
Outputs:
  QueueArn:
    Value: !GetAtt Queue.Arn
`;
