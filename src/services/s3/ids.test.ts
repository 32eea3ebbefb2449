import { describe, expect, it } from 'vitest';
import { randomHex, randomId } from './ids.js';

describe('randomId', () => {
  it('never starts with a dash (the AWS CLI would read it as an option) and keeps its length', () => {
    // Without the guard, one id in 64 starts with '-': 5,000 draws all but surely contain some.
    const ids = Array.from({ length: 5000 }, () => randomId(24));
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([32]));
    expect(ids.every((id) => /^[A-Za-z0-9_-]+$/.test(id))).toBe(true);
  });
});

describe('randomHex', () => {
  it('answers distinct ids of 2n lowercase hex digits, across refills of its pool', () => {
    const ids = Array.from({ length: 1000 }, () => randomHex(16));
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  });
});
