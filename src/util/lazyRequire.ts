// Loads a CommonJS-compatible package on first use: libraries only some requests need (YAML, XML)
// stay out of start-up, which counts toward the time to the first answer.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
