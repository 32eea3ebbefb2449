import { describe, expect, it } from 'vitest';
import { escapeHtmlBytes } from './routes.js';

describe('HTML escaping of log bytes', () => {
  it('escapes the five characters, and a multi-byte character split between pieces survives', () => {
    const bytes = Buffer.from(`a<b>&"'é€😀`);
    const whole = Buffer.from(escapeHtmlBytes(bytes)).toString('utf8');
    expect(whole).toBe('a&lt;b&gt;&amp;&quot;&#39;é€😀');
    for (let cut = 1; cut < bytes.length; cut++) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)].map((p) => Buffer.from(escapeHtmlBytes(p)));
      expect(Buffer.concat(pieces).toString('utf8')).toBe(whole);
    }
  });

  it('hands back bytes without special characters as they are', () => {
    const bytes = Buffer.from('plain text');
    expect(escapeHtmlBytes(bytes)).toBe(bytes);
  });
});
