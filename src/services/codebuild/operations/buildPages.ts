// ListBuilds and ListBuildsForProject: build ids newest first (or oldest first, ASCENDING), 100 a page.
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import { invalidNextToken } from '../errors.js';

const PAGE = 100;

export function pageOfIds(newestFirst: string[], sortOrder: string | undefined, nextToken: string | undefined): { ids: string[]; nextToken?: string } {
  const order = sortOrder ?? 'DESCENDING';
  const ids = order === 'ASCENDING' ? [...newestFirst].reverse() : newestFirst;
  const isCursor = (c: unknown): c is { o: string; after: string } => typeof c === 'object' && c !== null && (c as any).o === order && typeof (c as any).after === 'string';
  const cursor = decodeTokenOr(nextToken, isCursor, invalidNextToken);
  const start = cursor ? ids.indexOf(cursor.after) + 1 : 0;
  if (cursor && start === 0) throw invalidNextToken();
  const page = ids.slice(start, start + PAGE);
  return { ids: page, ...(start + PAGE < ids.length && { nextToken: encodeToken({ o: order, after: page[page.length - 1] }) }) };
}
