// DeleteParameters: up to 10 at once; the names that name nothing come back as InvalidParameters.
import type { Handler } from '../handler.js';

export const deleteParameters: Handler<'DeleteParameters'> = (ctx, input) => {
  const deleted: string[] = [];
  const invalid: string[] = [];
  ctx.store.tx(() => {
    for (const name of new Set(input.Names)) (ctx.store.parameters.delete(ctx, name) ? deleted : invalid).push(name);
  });
  return { DeletedParameters: deleted, InvalidParameters: invalid };
};
