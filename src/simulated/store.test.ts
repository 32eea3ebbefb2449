// Simulated resources: a stack's events live in rows of their own, written as the list grows.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import { SimulatedStore } from './store.js';

const scope = { account: '123456789012', region: 'us-east-1' };
let store: Store;
afterEach(() => store?.close());

const ev = (id: string) => ({ eventId: id, resourceStatus: `S-${id}` });
const rows = () => store.db.prepare("SELECT seq, event_id FROM simulated_events WHERE name = 'demo' ORDER BY seq").all() as { seq: number; event_id: string }[];
const storedDocument = () => JSON.parse((store.db.prepare("SELECT document FROM simulated_resources WHERE name = 'demo'").get() as { document: string }).document);

describe('stack events in rows of their own', () => {
  it('appends what the list gained, drops what it lost from the front, starts over for a new list; the document holds none', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    const put = (events: object[]) => store.simulated.put(scope, 'cloudformation-stack', 'demo', { stackName: 'demo', events }, 1);
    const events = () => store.simulated.get<{ events: { eventId: string }[] }>(scope, 'cloudformation-stack', 'demo')!.document.events.map((e) => e.eventId);
    put([ev('a'), ev('b')]);
    expect(storedDocument()).toEqual({ stackName: 'demo' });
    expect(events()).toEqual(['a', 'b']);
    put([ev('a'), ev('b'), ev('c')]);
    expect(rows()).toEqual([
      { seq: 0, event_id: 'a' },
      { seq: 1, event_id: 'b' },
      { seq: 2, event_id: 'c' },
    ]);
    // The oldest dropped (a cap), one added.
    put([ev('b'), ev('c'), ev('d')]);
    expect(rows().map((r) => `${r.seq}${r.event_id}`)).toEqual(['1b', '2c', '3d']);
    expect(store.simulated.get<{ events: object[] }>(scope, 'cloudformation-stack', 'demo')!.document.events[2]).toEqual(ev('d'));
    // A stack made anew under the same name: its own list only.
    put([ev('x')]);
    expect(events()).toEqual(['x']);
    expect(store.simulated.list<{ events: object[] }>(scope, 'cloudformation-stack').map((r) => r.document.events)).toEqual([[ev('x')]]);
    store.simulated.remove(scope, 'cloudformation-stack', 'demo');
    expect(rows()).toEqual([]);
  });

  it('a document saved with its events inside (before they had rows) reads them, and the next save moves them out', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    store.db
      .prepare('INSERT INTO simulated_resources (account, region, kind, name, document, created, updated) VALUES (?, ?, ?, ?, ?, 1, 1)')
      .run(scope.account, scope.region, 'cloudformation-stack', 'demo', JSON.stringify({ stackName: 'demo', events: [ev('old')] }));
    const doc = store.simulated.get<{ events: object[] }>(scope, 'cloudformation-stack', 'demo')!.document;
    expect(doc.events).toEqual([ev('old')]);
    doc.events.push(ev('new'));
    store.simulated.put(scope, 'cloudformation-stack', 'demo', doc, 2);
    expect(storedDocument()).toEqual({ stackName: 'demo' });
    expect(rows().map((r) => r.event_id)).toEqual(['old', 'new']);
  });

  it('reads stay exact while parsed events are reused: appends, front drops, rolled back saves, new lists', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    const put = (events: object[]) => store.simulated.put(scope, 'cloudformation-stack', 'demo', { stackName: 'demo', events }, 1);
    const read = () => store.simulated.get<{ events: { eventId: string }[] }>(scope, 'cloudformation-stack', 'demo')!.document.events;
    const ids = () => read().map((e) => e.eventId);
    const rolledBack = (events: object[]) =>
      expect(() =>
        store.tx(() => {
          put(events);
          expect(ids()).toEqual(events.map((e) => (e as { eventId: string }).eventId));
          throw new Error('roll back');
        }),
      ).toThrow('roll back');
    put([ev('a'), ev('b')]);
    expect(ids()).toEqual(['a', 'b']);
    // Each read has its own list (an operation appends to it); the events themselves refuse changes.
    const mine = read();
    mine.push(ev('mine'));
    expect(ids()).toEqual(['a', 'b']);
    expect(() => Object.assign(mine[0], { resourceStatus: 'changed' })).toThrow(TypeError);
    rolledBack([ev('a'), ev('b'), ev('c')]);
    expect(ids()).toEqual(['a', 'b']);
    rolledBack([ev('a'), ev('x')]);
    put([ev('a'), ev('y')]);
    expect(ids()).toEqual(['a', 'y']);
    put([ev('y'), ev('z'), ev('w')]);
    expect(ids()).toEqual(['y', 'z', 'w']);
    expect(read()[2]).toEqual(ev('w'));
    put([ev('n')]);
    expect(ids()).toEqual(['n']);
    // A status check reads the document without its events.
    expect(store.simulated.peek<{ stackName: string; events?: unknown }>(scope, 'cloudformation-stack', 'demo')).toEqual({ stackName: 'demo' });
  });

  it('a capped list read after every save, and by a second store on the same rows, is exactly what was saved', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    const put = (events: object[]) => store.simulated.put(scope, 'cloudformation-stack', 'demo', { stackName: 'demo', events }, 1);
    const ids = () => store.simulated.get<{ events: { eventId: string }[] }>(scope, 'cloudformation-stack', 'demo')!.document.events.map((e) => e.eventId);
    let list: { eventId: string }[] = [];
    for (let round = 0; round < 60; round++) {
      // Each save appends a few events and keeps the newest 100, as a stack operation keeps its newest MAX_EVENTS.
      list = [...list, ...Array.from({ length: 1 + (round % 4) }, (_, i) => ev(`${round}.${i}`))].slice(-100);
      put(list);
      expect(ids()).toEqual(list.map((e) => e.eventId));
    }
    expect(rows().length).toBe(100);
    expect(rows().every((r, i, all) => i === 0 || r.seq === all[i - 1].seq + 1)).toBe(true);
    // Another reader (no cache) sees the same list.
    expect(new SimulatedStore(store.db).get<{ events: { eventId: string }[] }>(scope, 'cloudformation-stack', 'demo')!.document.events).toEqual(list);
  });

  it('other kinds keep their documents whole', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    store.simulated.put(scope, 'deployment', 'demo', { events: [ev('a')] }, 1);
    expect(storedDocument()).toEqual({ events: [ev('a')] });
    expect(rows()).toEqual([]);
  });
});
