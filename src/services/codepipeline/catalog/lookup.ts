// Resolves an actionTypeId to what pipeline validation needs: the AWS catalog for AWS/ThirdParty
// owners (plus ThirdParty types registered in the account), the store for Custom ones (deleted
// versions do not resolve).
import type { ActionConfigurationProperty, ActionType, ActionTypeId, ArtifactDetails } from '@aws-sdk/client-codepipeline';
import type { Ctx } from '../context.js';
import { cpError } from '../errors.js';
import type { ActionTypeKey } from '../../../store/actionTypes.js';
import type { Scope, Store } from '../../../store/index.js';
import { catalogActionType } from './awsActionTypes.js';

export interface ResolvedActionType {
  inputArtifactDetails: ArtifactDetails;
  outputArtifactDetails: ArtifactDetails;
  configurationProperties: ActionConfigurationProperty[];
}

/** The account's own action type (Custom or registered ThirdParty) first, then AWS's catalog. */
export function findActionType(store: Store, scope: Scope, id: ActionTypeKey): ActionType | undefined {
  // An account registers only Custom and ThirdParty types: AWS-owned ones come from the catalog alone.
  if (id.owner === 'AWS') return catalogActionType(id);
  const own = store.actionTypes.get(scope, id);
  if (own && !own.deleted) return own.stored.type;
  return id.owner === 'Custom' ? undefined : catalogActionType(id);
}

export function resolveActionType(ctx: Ctx, id: ActionTypeId): ResolvedActionType | undefined {
  const t = findActionType(ctx.store, ctx, id);
  if (!t) return undefined;
  return {
    inputArtifactDetails: t.inputArtifactDetails!,
    outputArtifactDetails: t.outputArtifactDetails!,
    configurationProperties: t.actionConfigurationProperties ?? [],
  };
}

/** AWS's answer for an action type the account cannot see. */
export const actionTypeNotFound = (id: ActionTypeKey) =>
  cpError(
    'ActionTypeNotFoundException',
    `ActionType (Category: '${id.category}', Owner: '${id.owner}', Provider: '${id.provider}', Version: '${id.version}') is not available`,
  );
