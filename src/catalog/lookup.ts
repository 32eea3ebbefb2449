// Resolves an actionTypeId to what pipeline validation needs: the AWS catalog for AWS/ThirdParty
// owners, the store for Custom ones (deleted versions do not resolve).
import type { ActionConfigurationProperty, ActionTypeId, ArtifactDetails } from '@aws-sdk/client-codepipeline';
import type { Ctx } from '../api/context.js';

export interface ResolvedActionType {
  inputArtifactDetails: ArtifactDetails;
  outputArtifactDetails: ArtifactDetails;
  configurationProperties: ActionConfigurationProperty[];
}

// STUB (to be replaced by the real catalog): accepts any AWS-owned type with loose artifact counts.
export function resolveActionType(_ctx: Ctx, id: ActionTypeId): ResolvedActionType | undefined {
  if (id.owner !== 'AWS') return undefined;
  return {
    inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    configurationProperties: [],
  };
}
