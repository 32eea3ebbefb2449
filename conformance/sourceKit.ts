// Pipelines of one source action and a manual approval, for the change-detection suites: the source
// is what they test, the approval keeps each execution waiting where the test can see it.
import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { ACCOUNT } from './harness.js';

export const sourceAction = (provider: string, configuration: Record<string, string>): ActionDeclaration => ({
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' },
  configuration,
  outputArtifacts: [{ name: 'SourceOut' }],
});

/** Source -> Approve, its artifacts in `artifactBucket`. */
export function sourceThenApproval(name: string, src: ActionDeclaration, artifactBucket: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
    artifactStore: { type: 'S3', location: artifactBucket },
    stages: [
      { name: 'Source', actions: [src] },
      { name: 'Approve', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
    ],
    ...extra,
  };
}
