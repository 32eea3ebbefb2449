// ListSecrets: the secrets of the account and region (those marked for deletion only with
// IncludePlannedDeletion), filtered by name, description, tag key or value (prefixes; '!' negates),
// sorted by creation date (newest first) or another key, 100 a page.
import type { Handler } from '../handler.js';
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import type { Secret } from '../../../secrets/store.js';
import { invalidNextToken } from '../errors.js';
import { secretMetadata, versionsToStages } from '../secrets.js';

const DEFAULT_MAX = 100;

function matches(s: Secret, key: string, values: string[]): boolean {
  const fields = (k: string): string[] => {
    switch (k) {
      case 'name':
        return [s.name];
      case 'description':
        return s.description ? [s.description] : [];
      case 'tag-key':
        return (s.tags ?? []).map((t) => t.Key);
      case 'tag-value':
        return (s.tags ?? []).map((t) => t.Value);
      case 'primary-region':
        return [];
      case 'all':
        return [...fields('name'), ...fields('description'), ...fields('tag-key'), ...fields('tag-value')];
      default:
        return [];
    }
  };
  const have = fields(key);
  const positive = values.filter((v) => !v.startsWith('!'));
  const negative = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  const hit = (prefix: string) => have.some((h) => h.toLowerCase().startsWith(prefix.toLowerCase()));
  return (positive.length === 0 || positive.some(hit)) && !negative.some(hit);
}

export const listSecrets: Handler<'ListSecrets'> = (ctx, input) => {
  const now = ctx.clock.now();
  const sortBy = input.SortBy ?? 'created-date';
  const order = input.SortOrder ?? 'desc';
  const key = (s: Secret) => (sortBy === 'name' ? s.name : sortBy === 'last-changed-date' ? s.updated : s.created);
  const all = ctx.store.secrets
    .list(ctx)
    .filter((s) => s.deletionDate === undefined || s.deletionDate > now)
    .filter((s) => input.IncludePlannedDeletion || s.deletedDate === undefined)
    .filter((s) => (input.Filters ?? []).every((f) => matches(s, f.Key ?? '', f.Values ?? [])))
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : 1;
      return order === 'asc' ? c : -c;
    });
  const start = decodeTokenOr(input.NextToken, (c): c is number => Number.isInteger(c) && (c as number) >= 0, invalidNextToken) ?? 0;
  const max = input.MaxResults ?? DEFAULT_MAX;
  const page = all.slice(start, start + max);
  return {
    SecretList: page.map((s) => ({ ...secretMetadata(s), SecretVersionsToStages: versionsToStages(s) })),
    ...(start + max < all.length && { NextToken: encodeToken(start + max) }),
  };
};
