// DeleteCustomActionType: marks the version deleted (it stays, so that it cannot be reused) and drops its tags.
import { actionTypeNotFound } from '../catalog/lookup.js';
import { actionTypeArn } from '../../../util/arn.js';
import type { Handler } from '../handler.js';

export const deleteCustomActionType: Handler<'DeleteCustomActionType'> = (ctx, input) => {
  const id = { category: input.category, owner: 'Custom' as const, provider: input.provider, version: input.version };
  ctx.store.tx(() => {
    if (!ctx.store.actionTypes.markDeleted(ctx, id, ctx.clock.now())) throw actionTypeNotFound(id);
    ctx.store.tags.removeAll(actionTypeArn(ctx.region, ctx.account, id.category, id.owner, id.provider, id.version));
  });
};
