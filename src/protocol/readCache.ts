// Answers of read operations, kept while the database is unchanged. An answer is a function of the
// database (and of constants: the public URL, the static catalogs), so it stays valid until the next
// write; the write generation (Store.writeGeneration: moved by every statement of the connection that can
// change a row) says when that is. An answer is kept only when the generation is the
// same after the handler ran as before, so an operation that wrote, or ran while something else
// wrote, is never kept. Bounded: when full, everything goes (reads refill it in one round). Answers are
// kept as they are sent (json11.ts keeps the encoded bytes), sized by their length.
export class ReadCache<A extends { length: number } = string> {
  private generation = -1;
  private readonly answers = new Map<string, A>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 2048,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(generation: number, key: string): A | undefined {
    if (generation !== this.generation) return undefined;
    return this.answers.get(key);
  }

  set(generation: number, key: string, answer: A): void {
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
