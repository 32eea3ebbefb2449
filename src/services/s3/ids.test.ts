import { describe, expect, it } from 'vitest';
import { randomId } from './ids.js';

describe('randomId', () => {
  it('never starts with a dash (the AWS CLI would read it as an option) and keeps its length', () => {
    // Without the guard, one id in 64 starts with '-': 5,000 draws all but surely contain some.
    const ids = Array.from({ length: 5000 }, () => randomId(24));
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([32]));
    expect(ids.every((id) => /^[A-Za-z0-9_-]+$/.test(id))).toBe(true);
  });
});
