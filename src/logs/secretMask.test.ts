import { describe, expect, it } from 'vitest';
import { SecretMasker } from './secretMask.js';

/** Feeds `pieces` through a masker and returns everything it shows, stream end included. */
function stream(secrets: string[], pieces: string[]): string {
  const m = new SecretMasker(secrets);
  return pieces.map((p) => m.push(p)).join('') + m.end();
}

/** Every way of cutting `text` into two pieces, and into one piece per character. */
function cuts(text: string): string[][] {
  const out = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe('secret masker', () => {
  it('masks a secret wherever the stream is cut', () => {
    const text = 'aaaa SMVALUE_s3cr3t bbb SMVALUE_s3cr3t\n';
    for (const pieces of cuts(text)) expect(stream(['SMVALUE_s3cr3t'], pieces)).toBe('aaaa *** bbb ***\n');
  });

  it('holds back only what could begin a secret, at most its length - 1', () => {
    const m = new SecretMasker(['secret']);
    expect(m.push('plain text')).toBe('plain text');
    expect(m.push('xx secr')).toBe('xx ');
    expect(m.push('et done s')).toBe('*** done ');
    // The "s" after the secret could begin it again.
    expect(m.push('ecrets')).toBe('***');
    expect(m.push('sssssecre')).toBe('sssss');
    expect(m.end()).toBe('secre');
  });

  it('shows a prefix that the stream never completes', () => {
    for (const pieces of cuts('abc secre!')) expect(stream(['secret'], pieces)).toBe('abc secre!');
    expect(stream(['secret'], ['sec', 'sec', 'secret'])).toBe('secsec***');
  });

  it('masks overlapping and nested secrets leftmost, longest first, under every cut', () => {
    // "abc" and "bcdef": the leftmost occurrence wins, then the rest is scanned again.
    for (const pieces of cuts('xabcdzz')) expect(stream(['abc', 'bcdef'], pieces)).toBe('x***dzz');
    for (const pieces of cuts('xabcdef')) expect(stream(['abc', 'bcdef'], pieces)).toBe('x***def');
    // One secret inside another: the longer one is hidden whole where both start together.
    for (const pieces of cuts('[ab][abcd]')) expect(stream(['ab', 'abcd'], pieces)).toBe('[***][***]');
  });

  it('never shows a secret as one sequence, for many random cuts', () => {
    const secrets = ['tok-123', 'tok-1234567', 'pw'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 12 }, () => ['tok-', '123', '4567', 'p', 'w', 'x', 'tok-1234567', 'pw'][rand(8)]).join('');
      const pieces: string[] = [];
      for (let i = 0; i < text.length; ) {
        const n = 1 + rand(6);
        pieces.push(text.slice(i, i + n));
        i += n;
      }
      const out = stream(secrets, pieces);
      expect(out).toBe(new SecretMasker(secrets).maskWhole(text));
      for (const s of secrets) expect(out).not.toContain(s);
    }
  });

  it('passes text through unchanged without secrets, and ignores empty ones', () => {
    expect(stream([], ['a', 'b'])).toBe('ab');
    expect(stream([''], ['a', 'b'])).toBe('ab');
  });
});
