// Every property of AWS::CodePipeline::Pipeline becomes the API's declaration, which the CodePipeline
// model accepts as CreatePipeline input.
import { describe, expect, it } from 'vitest';
import { validateInput } from '../../services/codepipeline/model/service.js';
import { pipelineDeclaration } from './codePipelinePipeline.js';
import { apiTags } from './codePipelineApi.js';

const PROPS = {
  Name: 'ignored-here',
  RoleArn: 'arn:aws:iam::123456789012:role/p',
  PipelineType: 'V2',
  ExecutionMode: 'QUEUED',
  RestartExecutionOnUpdate: true,
  DisableInboundStageTransitions: [{ StageName: 'Deploy', Reason: 'frozen' }],
  Tags: [{ Key: 'team', Value: 'web' }],
  ArtifactStores: [
    { Region: 'us-east-1', ArtifactStore: { Type: 'S3', Location: 'artifacts-east', EncryptionKey: { Id: 'arn:aws:kms:us-east-1:123456789012:key/k', Type: 'KMS' } } },
    { Region: 'eu-west-1', ArtifactStore: { Type: 'S3', Location: 'artifacts-west' } },
  ],
  Variables: [{ Name: 'Env', DefaultValue: 'dev', Description: 'where' }],
  Triggers: [
    {
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: { SourceActionName: 'Checkout', Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Excludes: ['docs/**'] } }], PullRequest: [{ Events: ['OPEN'], Branches: { Includes: ['*'] } }] },
    },
  ],
  Stages: [
    {
      Name: 'Source',
      Actions: [
        {
          Name: 'Checkout',
          ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' },
          Configuration: { ConnectionArn: 'arn:aws:codestar-connections:us-east-1:123456789012:connection/x', FullRepositoryId: 'o/r', BranchName: 'main', DetectChanges: false, OutputArtifactFormat: 'CODE_ZIP' },
          OutputArtifacts: [{ Name: 'Src' }],
          Namespace: 'SourceVariables',
          RunOrder: 1,
          Region: 'us-east-1',
        },
      ],
    },
    {
      Name: 'Deploy',
      Blockers: [{ Name: 'b', Type: 'Schedule' }],
      BeforeEntry: { Conditions: [{ Result: 'FAIL', Rules: [{ Name: 'r', RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' }, Configuration: { Variable: '#{SourceVariables.BranchName}', Value: 'main', Operator: 'EQ' } }] }] },
      OnFailure: { Result: 'RETRY', RetryConfiguration: { RetryMode: 'FAILED_ACTIONS' } },
      Actions: [
        {
          Name: 'Build',
          ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
          Configuration: { ProjectName: 'p', EnvironmentVariables: [{ name: 'A', value: '1', type: 'PLAINTEXT' }] },
          InputArtifacts: [{ Name: 'Src' }],
          OutputArtifacts: [{ Name: 'Out' }],
          RoleArn: 'arn:aws:iam::123456789012:role/a',
          TimeoutInMinutes: 30,
        },
      ],
    },
  ],
};

describe('AWS::CodePipeline::Pipeline as the API declaration', () => {
  it('converts every property, keeps Configuration keys and turns their values into strings', () => {
    const d = pipelineDeclaration('app', PROPS) as any;
    expect(Object.keys(d).sort()).toEqual(['artifactStores', 'executionMode', 'name', 'pipelineType', 'roleArn', 'stages', 'triggers', 'variables']);
    expect(d.artifactStores).toEqual({
      'us-east-1': { type: 'S3', location: 'artifacts-east', encryptionKey: { id: 'arn:aws:kms:us-east-1:123456789012:key/k', type: 'KMS' } },
      'eu-west-1': { type: 'S3', location: 'artifacts-west' },
    });
    expect(d.stages[0].actions[0].configuration).toEqual({ ConnectionArn: 'arn:aws:codestar-connections:us-east-1:123456789012:connection/x', FullRepositoryId: 'o/r', BranchName: 'main', DetectChanges: 'false', OutputArtifactFormat: 'CODE_ZIP' });
    expect(d.stages[1].actions[0].configuration.EnvironmentVariables).toBe('[{"name":"A","value":"1","type":"PLAINTEXT"}]');
    expect(d.stages[1].beforeEntry.conditions[0].rules[0].configuration).toEqual({ Variable: '#{SourceVariables.BranchName}', Value: 'main', Operator: 'EQ' });
    expect(d.stages[1].blockers).toEqual([{ name: 'b', type: 'Schedule' }]);
    expect(d.triggers[0].gitConfiguration.push[0]).toEqual({ branches: { includes: ['main'] }, filePaths: { excludes: ['docs/**'] } });
    expect(d.variables).toEqual([{ name: 'Env', defaultValue: 'dev', description: 'where' }]);
    expect(apiTags(PROPS.Tags)).toEqual([{ key: 'team', value: 'web' }]);
  });

  it('is valid CreatePipeline input for the service model', () => {
    expect(() => validateInput('CreatePipeline', { pipeline: pipelineDeclaration('app', PROPS), tags: apiTags(PROPS.Tags) })).not.toThrow();
  });
});
