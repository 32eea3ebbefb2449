// ListWebhooks: the caller's webhooks ordered by name (SecretTokens redacted), paginated with an
// opaque NextToken (capitalised in this operation, as the model has it).
import { decodeToken, encodeToken } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';
import { webhookItem } from '../webhookItem.js';

const DEFAULT_MAX = 100;

export const listWebhooks: Handler<'ListWebhooks'> = (ctx, input) => {
  const after = decodeToken(input.NextToken, (c): c is string => typeof c === 'string') ?? '';
  const max = input.MaxResults ?? DEFAULT_MAX;
  const rows = ctx.store.webhooks.list(ctx, after, max + 1);
  const page = rows.slice(0, max);
  return {
    webhooks: page.map((r) => webhookItem(ctx, r)),
    ...(rows.length > max && { NextToken: encodeToken(page[page.length - 1].name) }),
  };
};
