// Opaque nextTokens: base64 of a JSON cursor, rejected with InvalidNextTokenException when tampered.
import { invalidNextToken } from '../services/codepipeline/errors.js';

export function encodeToken(cursor: unknown): string {
  return Buffer.from(JSON.stringify({ c: cursor }), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string | undefined, check: (c: unknown) => c is T): T | undefined {
  return decodeTokenOr(token, check, invalidNextToken);
}

/** decodeToken for another service: `invalid` makes that service's error for a token it did not issue. */
export function decodeTokenOr<T>(token: string | undefined, check: (c: unknown) => c is T, invalid: () => Error): T | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && check(parsed.c)) return parsed.c;
  } catch {
    /* fall through */
  }
  throw invalid();
}

/** Pages an in-memory, already-sorted list by numeric offset. */
export function pageByOffset<T>(items: T[], maxResults: number, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const start = decodeToken(nextToken, (c): c is number => Number.isInteger(c) && (c as number) >= 0) ?? 0;
  const page = items.slice(start, start + maxResults);
  const next = start + maxResults < items.length ? encodeToken(start + maxResults) : undefined;
  return { page, nextToken: next };
}

/**
 * Pages an already-sorted list by the id of the last item returned, so items added between calls
 * do not shift the next page; a token naming no item is InvalidNextTokenException.
 */
export function pageAfterId<T extends { id: string }>(items: T[], maxResults: number, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const after = decodeToken(nextToken, (c): c is string => typeof c === 'string');
  const start = after === undefined ? 0 : items.findIndex((r) => r.id === after) + 1;
  if (after !== undefined && start === 0) throw invalidNextToken();
  const page = items.slice(start, start + maxResults);
  return { page, ...(start + maxResults < items.length && { nextToken: encodeToken(page[page.length - 1].id) }) };
}

/**
 * A page read from an index after the token's item: `read(after, limit)` answers up to `limit` items
 * following the item with id `after` (all from the start when undefined), or undefined when no item has
 * that id (InvalidNextTokenException). One more than a page is read to know whether another follows.
 */
export function pageFromIndex<T extends { id: string }>(
  read: (after: string | undefined, limit: number) => T[] | undefined,
  maxResults: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const after = decodeToken(nextToken, (c): c is string => typeof c === 'string');
  const rows = read(after, maxResults + 1);
  if (!rows) throw invalidNextToken();
  const page = rows.slice(0, maxResults);
  return { page, ...(rows.length > maxResults && { nextToken: encodeToken(page[page.length - 1].id) }) };
}
