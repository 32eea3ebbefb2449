// The two shapes of one action type: ActionType (ListActionTypes, CreateCustomActionType) and
// ActionTypeDeclaration (GetActionType, UpdateActionType). What only one shape can say is kept in
// StoredActionType so that each view shows back what was given in the other.
import type {
  ActionConfigurationProperty,
  ActionOwner,
  ActionType,
  ActionTypeDeclaration,
  ActionTypeExecutor,
  ActionTypePermissions,
} from '@aws-sdk/client-codepipeline';
import type { Valid } from '../model/types.js';

export interface StoredActionType {
  type: ActionType;
  description?: string;
  executor?: ActionTypeExecutor;
  permissions?: ActionTypePermissions;
}

/** Custom action types are worked by job workers polling with PollForJobs. */
const DEFAULT_EXECUTOR: ActionTypeExecutor = { type: 'JobWorker', configuration: {} };

export function toDeclaration(s: StoredActionType): ActionTypeDeclaration {
  const t = s.type;
  const settings = t.settings ?? {};
  const urls = {
    ...(settings.thirdPartyConfigurationUrl !== undefined && { configurationUrl: settings.thirdPartyConfigurationUrl }),
    ...(settings.entityUrlTemplate !== undefined && { entityUrlTemplate: settings.entityUrlTemplate }),
    ...(settings.executionUrlTemplate !== undefined && { executionUrlTemplate: settings.executionUrlTemplate }),
    ...(settings.revisionUrlTemplate !== undefined && { revisionUrlTemplate: settings.revisionUrlTemplate }),
  };
  return {
    ...(s.description !== undefined && { description: s.description }),
    executor: s.executor ?? DEFAULT_EXECUTOR,
    id: { category: t.id!.category!, owner: t.id!.owner!, provider: t.id!.provider!, version: t.id!.version! },
    inputArtifactDetails: t.inputArtifactDetails!,
    outputArtifactDetails: t.outputArtifactDetails!,
    ...(s.permissions && { permissions: s.permissions }),
    properties: (t.actionConfigurationProperties ?? []).map((p) => ({
      name: p.name!,
      optional: !p.required,
      key: p.key!,
      noEcho: p.secret!,
      queryable: p.queryable ?? false,
      ...(p.description !== undefined && { description: p.description }),
    })),
    ...(Object.keys(urls).length > 0 && { urls }),
  };
}

/** The stored form of a declaration; property `type`s of same-named properties in `previous` are kept. */
export function fromDeclaration(d: Valid<'ActionTypeDeclaration'>, previous?: ActionType): StoredActionType {
  const oldTypes = new Map((previous?.actionConfigurationProperties ?? []).map((p) => [p.name, p.type]));
  const properties: ActionConfigurationProperty[] = (d.properties ?? []).map((p) => {
    const kind = oldTypes.get(p.name);
    return {
      name: p.name,
      required: !p.optional,
      key: p.key,
      secret: p.noEcho,
      queryable: p.queryable ?? false,
      ...(p.description !== undefined && { description: p.description }),
      ...(kind !== undefined && { type: kind }),
    };
  });
  const urls = d.urls ?? {};
  const settings = {
    ...(urls.configurationUrl !== undefined && { thirdPartyConfigurationUrl: urls.configurationUrl }),
    ...(urls.entityUrlTemplate !== undefined && { entityUrlTemplate: urls.entityUrlTemplate }),
    ...(urls.executionUrlTemplate !== undefined && { executionUrlTemplate: urls.executionUrlTemplate }),
    ...(urls.revisionUrlTemplate !== undefined && { revisionUrlTemplate: urls.revisionUrlTemplate }),
  };
  return {
    type: {
      // The model limits a declaration's owner to AWS or ThirdParty.
      id: { ...d.id, owner: d.id.owner as ActionOwner },
      ...(Object.keys(settings).length > 0 && { settings }),
      actionConfigurationProperties: properties,
      inputArtifactDetails: d.inputArtifactDetails,
      outputArtifactDetails: d.outputArtifactDetails,
    },
    ...(d.description !== undefined && { description: d.description }),
    executor: d.executor,
    ...(d.permissions && { permissions: d.permissions }),
  };
}
