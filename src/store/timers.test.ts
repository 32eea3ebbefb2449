import { afterEach, describe, expect, it } from 'vitest';
import { Store } from './index.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function open() {
  const store = Store.open({ inMemory: true, dataDir: 'unused' });
  cleanups.push(() => store.close());
  // A second statement on the same connection, not the store's: what the table really says.
  const min = store.db.prepare('SELECT MIN(due_at) FROM timers').pluck();
  const truth = () => (min.get() as number | null) ?? undefined;
  return { store, truth };
}

describe('TimerStore.nextDue (kept between writes)', () => {
  it('equals the table after every kind of write: add, cancel (of nothing and of rows), delete, a rolled-back add, a reset', () => {
    const { store, truth } = open();
    const t = store.timers;
    const check = () => expect(t.nextDue()).toBe(truth());
    check(); // empty: kept as "none"
    store.tx(() => t.add(500, 'job-timeout', 'a'));
    check();
    t.add(300, 'approval-timeout', 'b');
    check();
    t.cancel('nothing-here');
    check();
    t.cancel('b');
    expect(t.nextDue()).toBe(500);
    check();
    const [row] = t.due(500);
    t.delete(row.id);
    expect(t.nextDue()).toBeUndefined();
    check();
    // A value read inside a transaction that rolls back its add is not kept.
    expect(() =>
      store.tx(() => {
        t.add(100, 'rule-recheck', 'c');
        expect(t.nextDue()).toBe(100);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(t.nextDue()).toBeUndefined();
    check();
    // Rows replaced behind the store (a reset or restore writes the tables itself).
    store.db.prepare("INSERT INTO timers (due_at, kind, ref) VALUES (42, 'job-timeout', 'd')").run();
    store.replacing('before');
    store.replacing('after');
    expect(t.nextDue()).toBe(42);
    check();
  });
});
