// Masks secret values in a stream of text as CodeBuild masks Parameter Store and Secrets Manager
// values in its logs: every occurrence becomes "***". A process writes its output in pieces (its own
// writes, 64 KiB pipe reads), so a secret can arrive split across two pieces: the masker holds back
// the end of a piece while it could still be the start of a secret (at most the longest secret's
// length - 1 characters) and decides once the next piece, or the end of the stream, shows the rest.

export const MASK = '***';

export class SecretMasker {
  private readonly secrets: string[];
  private readonly longest: number;
  private held = '';

  constructor(secrets: readonly string[]) {
    // Longest first: where two secrets start at the same place, the longer one is hidden whole.
    this.secrets = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
    this.longest = this.secrets[0]?.length ?? 0;
  }

  /** The text that can be shown now; what might be the start of a secret waits for the next piece. */
  push(text: string): string {
    if (!this.secrets.length) return text;
    return this.scan(this.held + text, false);
  }

  /** The end of the stream: what was held back, masked where it is a whole secret. */
  end(): string {
    if (!this.held) return '';
    return this.scan(this.held, true);
  }

  /** Masks a complete text (one line of the emulator's own) without touching the held-back text. */
  maskWhole(text: string): string {
    if (!this.secrets.length || !text) return text;
    const saved = this.held;
    const out = this.scan(text, true);
    this.held = saved;
    return out;
  }

  /** Leftmost-longest replacement; stops at the first place a secret could still begin (unless final). */
  private scan(text: string, final: boolean): string {
    let out = '';
    let i = 0;
    let partial = final ? Infinity : this.firstPartial(text, 0);
    // Each secret's next occurrence, searched again only once the scan has passed it.
    const next = this.secrets.map(() => -2);
    for (;;) {
      if (partial < i) partial = this.firstPartial(text, i);
      let at = -1;
      let length = 0;
      this.secrets.forEach((s, k) => {
        if (next[k] !== -1 && next[k] < i) next[k] = text.indexOf(s, i);
        // Sorted longest first, so a later secret at the same place is shorter.
        if (next[k] >= 0 && (at < 0 || next[k] < at)) [at, length] = [next[k], s.length];
      });
      // A match before any undecided place is final: a longer secret starting there would be undecided.
      if (at >= 0 && at < partial) {
        out += text.slice(i, at) + MASK;
        i = at + length;
        continue;
      }
      const stop = Math.min(partial, text.length);
      out += text.slice(i, stop);
      this.held = text.slice(stop);
      return out;
    }
  }

  /** The first position at or after `from` where the rest of the text is a proper prefix of a secret. */
  private firstPartial(text: string, from: number): number {
    for (let p = Math.max(from, text.length - this.longest + 1); p < text.length; p++) {
      const rest = text.slice(p);
      if (this.secrets.some((s) => s.length > rest.length && s.startsWith(rest))) return p;
    }
    return Infinity;
  }
}
