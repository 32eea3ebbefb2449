import { describe, expect, it } from 'vitest';
import { ReadCache } from './readCache.js';

describe('ReadCache', () => {
  it('answers only for the generation an answer was kept at', () => {
    const c = new ReadCache();
    c.set(5, 'k', 'a');
    expect(c.get(5, 'k')).toBe('a');
    expect(c.get(6, 'k')).toBeUndefined();
    expect(c.get(4, 'k')).toBeUndefined();
  });

  it('drops every older answer when one of a newer generation is kept', () => {
    const c = new ReadCache();
    c.set(1, 'a', 'old');
    c.set(2, 'b', 'new');
    expect(c.get(2, 'a')).toBeUndefined();
    expect(c.get(2, 'b')).toBe('new');
  });

  it('starts over when full (entries or bytes), and never keeps an answer larger than the whole budget', () => {
    const c = new ReadCache(2, 100);
    c.set(1, 'a', 'x');
    c.set(1, 'b', 'y');
    c.set(1, 'c', 'z');
    expect([c.get(1, 'a'), c.get(1, 'b'), c.get(1, 'c')]).toEqual([undefined, undefined, 'z']);
    c.set(1, 'd', 'x'.repeat(200));
    expect(c.get(1, 'd')).toBeUndefined();
    c.set(1, 'e', 'x'.repeat(90));
    expect(c.get(1, 'e')).toBe('x'.repeat(90));
  });
});
