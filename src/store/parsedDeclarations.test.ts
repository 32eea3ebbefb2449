import { describe, expect, it } from 'vitest';
import { parsedDeclaration } from './parsedDeclarations.js';

describe('parsedDeclaration', () => {
  it('parses a text once and hands out one deeply frozen object, which refuses changes', () => {
    const text = JSON.stringify({ name: 'p', version: 1, stages: [{ name: 'S', actions: [{ name: 'A', configuration: { K: 'v' } }] }] });
    const a = parsedDeclaration(text);
    expect(parsedDeclaration(`${text}`)).toBe(a);
    expect(a.stages![0].actions![0].configuration).toEqual({ K: 'v' });
    expect(() => {
      a.stages![0].actions![0].configuration!.K = 'changed';
    }).toThrow(TypeError);
    expect(parsedDeclaration(JSON.stringify({ name: 'p', version: 2 }))).not.toBe(a);
  });
});
