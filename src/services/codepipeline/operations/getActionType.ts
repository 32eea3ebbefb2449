// GetActionType: an action type in its declaration form (owners AWS and ThirdParty, as the model allows).
import { toDeclaration } from '../catalog/convert.js';
import { actionTypeNotFound, findActionType } from '../catalog/lookup.js';
import type { Handler } from '../handler.js';

export const getActionType: Handler<'GetActionType'> = (ctx, input) => {
  const id = { category: input.category, owner: input.owner, provider: input.provider, version: input.version };
  const own = ctx.store.actionTypes.get(ctx, id);
  if (own && !own.deleted) return { actionType: toDeclaration(own.stored) };
  const type = findActionType(ctx.store, ctx, id);
  if (!type) throw actionTypeNotFound(id);
  return { actionType: toDeclaration({ type }) };
};
