// UpdateActionType: replaces the definition of an action type the account registered. AWS's own
// catalog types are not the caller's to change.
import { catalogActionType } from '../catalog/awsActionTypes.js';
import { fromDeclaration } from '../catalog/convert.js';
import { checkArtifactRange, checkConfigurationProperties } from '../catalog/customActionTypes.js';
import { actionTypeNotFound } from '../catalog/lookup.js';
import { cpError } from '../errors.js';
import type { Handler } from '../handler.js';

export const updateActionType: Handler<'UpdateActionType'> = (ctx, input) => {
  const decl = input.actionType;
  const id = decl.id;
  ctx.store.tx(() => {
    const own = ctx.store.actionTypes.get(ctx, id);
    if (!own || own.deleted) {
      if (catalogActionType(id))
        throw cpError(
          'RequestFailedException',
          `Action type ${id.owner}/${id.category}/${id.provider}/${id.version} is managed by AWS and cannot be updated`,
        );
      throw actionTypeNotFound(id);
    }
    const stored = fromDeclaration(decl, own.stored.type);
    checkConfigurationProperties(stored.type.actionConfigurationProperties!);
    checkArtifactRange('inputArtifactDetails', stored.type.inputArtifactDetails!);
    checkArtifactRange('outputArtifactDetails', stored.type.outputArtifactDetails!);
    ctx.store.actionTypes.update(ctx, stored, ctx.clock.now());
  });
};
