// CreateCustomActionType: an account's own action type, worked by job workers (owner Custom).
import type { ActionType } from '@aws-sdk/client-codepipeline';
import {
  MAX_CUSTOM_ACTION_TYPES,
  actionTypeExists,
  checkArtifactRange,
  checkConfigurationProperties,
  deletedVersionReused,
  normalizeProperty,
  sameDefinition,
  tooManyCustomActionTypes,
} from '../catalog/customActionTypes.js';
import { actionTypeArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';
import { checkTags } from '../tagging.js';

export const createCustomActionType: Handler<'CreateCustomActionType'> = (ctx, input) => {
  const id = { category: input.category, owner: 'Custom' as const, provider: input.provider, version: input.version };
  const properties = (input.configurationProperties ?? []).map(normalizeProperty);
  checkConfigurationProperties(properties);
  checkArtifactRange('inputArtifactDetails', input.inputArtifactDetails);
  checkArtifactRange('outputArtifactDetails', input.outputArtifactDetails);
  const tags = input.tags ?? [];
  const arn = actionTypeArn(ctx.region, ctx.account, id.category, id.owner, id.provider, id.version);
  checkTags(tags, [], arn);

  const actionType: ActionType = {
    id,
    ...(input.settings && Object.keys(input.settings).length > 0 && { settings: input.settings }),
    actionConfigurationProperties: properties,
    inputArtifactDetails: input.inputArtifactDetails,
    outputArtifactDetails: input.outputArtifactDetails,
  };
  ctx.store.tx(() => {
    const existing = ctx.store.actionTypes.get(ctx, id);
    if (existing && !existing.deleted) throw actionTypeExists(id);
    if (existing && !sameDefinition(existing.stored.type, actionType)) throw deletedVersionReused(id);
    if (ctx.store.actionTypes.count(ctx, 'Custom') >= MAX_CUSTOM_ACTION_TYPES) throw tooManyCustomActionTypes();
    ctx.store.actionTypes.create(ctx, { type: actionType }, ctx.clock.now());
    if (tags.length) ctx.store.tags.put(arn, tags);
  });
  return { actionType, ...(tags.length > 0 && { tags }) };
};
