// ListBuilds' and ListBuildsForProject's pages: newest first by default, 100 a page, a token that
// names the last id of the page (ids started meanwhile do not shift the next page).
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../protocol/errors.js';
import { pageOfIds } from './buildPages.js';

const ids = Array.from({ length: 205 }, (_, i) => `p:${String(204 - i).padStart(3, '0')}`);

describe('pageOfIds', () => {
  it('pages newest first, then oldest first with ASCENDING', () => {
    const one = pageOfIds(ids, undefined, undefined);
    const two = pageOfIds(ids, undefined, one.nextToken);
    const three = pageOfIds(ids, undefined, two.nextToken);
    expect([one.ids.length, one.ids[0], two.ids[0], three.ids, three.nextToken]).toEqual([100, 'p:204', 'p:104', ['p:004', 'p:003', 'p:002', 'p:001', 'p:000'], undefined]);
    const asc = pageOfIds(ids, 'ASCENDING', undefined);
    expect([asc.ids[0], asc.ids[99]]).toEqual(['p:000', 'p:099']);
    expect(pageOfIds(['p:new', ...ids], undefined, one.nextToken).ids[0]).toBe('p:104');
  });

  it('refuses a token of another order, a tampered one, or one naming a build no longer listed', () => {
    const one = pageOfIds(ids, undefined, undefined);
    for (const [order, token] of [
      ['ASCENDING', one.nextToken],
      [undefined, 'nonsense'],
    ] as const)
      expect(() => pageOfIds(ids, order, token)).toThrow(AwsError);
    expect(() => pageOfIds(ids.slice(0, 50), undefined, one.nextToken)).toThrow('Invalid next token');
  });
});
