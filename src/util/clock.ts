// Injectable time source, so timeouts can be tested without waiting.
export interface Clock {
  now(): number; // epoch milliseconds
}
export const systemClock: Clock = { now: () => Date.now() };
