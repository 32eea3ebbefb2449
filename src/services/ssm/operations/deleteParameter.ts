// DeleteParameter: removes a parameter and all its versions.
import { parameterNotFound } from '../errors.js';
import type { Handler } from '../handler.js';

export const deleteParameter: Handler<'DeleteParameter'> = (ctx, input) => {
  if (!ctx.store.parameters.delete(ctx, input.Name)) throw parameterNotFound();
  return {};
};
