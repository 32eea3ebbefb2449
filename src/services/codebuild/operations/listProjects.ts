// ListProjects: project names sorted by name, creation or last change, 100 a page.
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import { invalidNextToken } from '../errors.js';
import type { Handler } from '../handler.js';

const PAGE = 100;

export const listProjects: Handler<'ListProjects'> = (ctx, input) => {
  const sortBy = input.sortBy ?? 'NAME';
  const order = input.sortOrder ?? 'ASCENDING';
  const key = (r: { name: string; created: number; updated: number }) => (sortBy === 'NAME' ? r.name : sortBy === 'CREATED_TIME' ? r.created : r.updated);
  const rows = ctx.store.builds.projectNames(ctx).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return order === 'ASCENDING' ? c : -c;
  });
  const isCursor = (c: unknown): c is { s: string; o: string; i: number } =>
    typeof c === 'object' && c !== null && (c as any).s === sortBy && (c as any).o === order && Number.isInteger((c as any).i) && (c as any).i >= 0;
  const start = decodeTokenOr(input.nextToken, isCursor, invalidNextToken)?.i ?? 0;
  const page = rows.slice(start, start + PAGE);
  return {
    projects: page.map((r) => r.name),
    ...(start + PAGE < rows.length && { nextToken: encodeToken({ s: sortBy, o: order, i: start + PAGE }) }),
  };
};
