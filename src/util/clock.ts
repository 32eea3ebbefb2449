// Injectable time source, so timeouts can be tested without waiting.
export interface Clock {
  now(): number; // epoch milliseconds
}
export const systemClock: Clock = { now: () => Date.now() };

/** A timestamp from a JSON 1.1 request (epoch seconds, or an ISO/epoch string) as a Date. */
export function inputDate(v: unknown): Date | undefined {
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') return /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  return v instanceof Date ? v : undefined;
}
