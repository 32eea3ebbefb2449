// A clock that only moves when told to: tests of timeouts (approvals wait 7 days) advance it and
// then ask the engine to fire the timers that fell due.
import type { Clock } from './clock.js';

export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}

  now() {
    return this.current;
  }

  advance(ms: number) {
    if (!(ms >= 0)) throw new RangeError('a clock only moves forward');
    this.current += ms;
  }
}
