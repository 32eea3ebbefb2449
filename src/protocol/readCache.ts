// Answers of read operations, kept while the database is unchanged. An answer is a function of the
// database (and of constants: the public URL, the static catalogs), so it stays valid until the next
// write; the write generation (Store.writeGeneration: every row any statement of the connection has
// inserted, updated or deleted) says when that is. An answer is kept only when the generation is the
// same after the handler ran as before, so an operation that wrote, or ran while something else
// wrote, is never kept. Bounded: when full, everything goes (reads refill it in one round).
export class ReadCache {
  private generation = -1;
  private readonly answers = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 2048,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(generation: number, key: string): string | undefined {
    if (generation !== this.generation) return undefined;
    return this.answers.get(key);
  }

  set(generation: number, key: string, answer: string): void {
    if (generation !== this.generation || this.answers.size >= this.maxEntries || this.bytes + key.length + answer.length > this.maxBytes) {
      this.answers.clear();
      this.bytes = 0;
      this.generation = generation;
    }
    if (key.length + answer.length > this.maxBytes) return;
    this.answers.set(key, answer);
    this.bytes += key.length + answer.length;
  }
}
