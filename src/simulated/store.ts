// Simulated AWS resources that deploy and invoke actions leave behind: CloudFormation stacks (with
// their template, parameters, status, outputs, change sets and events), deployments of CodeDeploy,
// ECS, Elastic Beanstalk, AppConfig and the other deploy providers, and Step Functions executions.
// One JSON document per resource, keyed by account, region, kind and name.
import type { Db } from '../store/db.js';
import type { Scope } from '../store/scope.js';

export type SimulatedKind = 'cloudformation-stack' | 'deployment' | 'stepfunctions-execution' | 'events-rule' | 'lambda-function';

export interface SimulatedRecord<T> {
  account: string;
  region: string;
  kind: SimulatedKind;
  name: string;
  document: T;
  created: number;
  updated: number;
}

function fromRaw<T>(r: any): SimulatedRecord<T> {
  return { account: r.account, region: r.region, kind: r.kind, name: r.name, document: JSON.parse(r.document) as T, created: r.created, updated: r.updated };
}

/**
 * Kinds whose documents hold an `events` list (a stack's events: only ever appended, the oldest
 * dropped first). The list is kept in rows of its own, written as it grows, not with the document:
 * an operation saves its stack many times, and each save rewrote every event the stack ever had.
 */
const EVENTED: ReadonlySet<SimulatedKind> = new Set(['cloudformation-stack']);

interface EventedDocument {
  events?: { eventId: string }[];
}

/** A stack's events as last read: rows first..last (seqs are contiguous: appended at the end, dropped from the front). */
interface CachedEvents {
  first: number;
  last: number;
  lastId: string;
  events: readonly { eventId: string }[];
}

/** Stacks whose parsed events are kept (the most recently read). */
const CACHED_EVENT_LISTS = 16;

export class SimulatedStore {
  private readonly s;
  private readonly putEvented;
  /**
   * Parsed events by resource: a stack operation reads its stack several times and a stack keeps up
   * to 1,000 events, so each read parsed them all again. Checked against the rows at every read (the
   * last row's seq and id, the first seq, the count): rows appended since are read and parsed, rows
   * dropped from the front are dropped, anything else reads the whole list again. The events are
   * frozen: every reader gets its own array of the same objects.
   */
  private readonly eventCache = new Map<string, CachedEvents>();

  constructor(db: Db) {
    this.putEvented = db.transaction((s: Scope, kind: SimulatedKind, name: string, document: EventedDocument, now: number) => {
      const stored: EventedDocument = { ...document };
      delete stored.events;
      this.s.put.run(s.account, s.region, kind, name, JSON.stringify(stored), now, now);
      this.saveEvents(s, kind, name, document.events ?? []);
    });
    this.s = {
      get: db.prepare('SELECT * FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
      put: db.prepare(
        `INSERT INTO simulated_resources (account, region, kind, name, document, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, kind, name) DO UPDATE SET document = excluded.document, updated = excluded.updated`,
      ),
      list: db.prepare('SELECT * FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? ORDER BY updated DESC, rowid DESC'),
      remove: db.prepare('DELETE FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
      listKind: db.prepare('SELECT * FROM simulated_resources WHERE kind = ? ORDER BY rowid'),
      events: db.prepare<[string, string, string, string], { seq: number; event_id: string; event: string }>(
        'SELECT seq, event_id, event FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? ORDER BY seq',
      ),
      eventsAfter: db.prepare<[string, string, string, string, number], { seq: number; event_id: string; event: string }>(
        'SELECT seq, event_id, event FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? AND seq > ? ORDER BY seq',
      ),
      firstSeq: db
        .prepare<[string, string, string, string], number>('SELECT seq FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? ORDER BY seq LIMIT 1')
        .pluck(),
      eventIdAt: db
        .prepare<[string, string, string, string, number], string>('SELECT event_id FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? AND seq = ?')
        .pluck(),
      lastEvent: db.prepare<[string, string, string, string], { seq: number; event_id: string }>(
        'SELECT seq, event_id FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? ORDER BY seq DESC LIMIT 1',
      ),
      insertEvent: db.prepare('INSERT INTO simulated_events (account, region, kind, name, seq, event_id, event) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deleteEventsBelow: db.prepare('DELETE FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ? AND seq < ?'),
      deleteEvents: db.prepare('DELETE FROM simulated_events WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
    };
  }

  /** Makes the rows follow the list: what was appended since the last save goes in, what was dropped from the front goes. */
  private saveEvents(s: Scope, kind: SimulatedKind, name: string, events: { eventId: string }[]) {
    const last = this.s.lastEvent.get(s.account, s.region, kind, name);
    let from = 0;
    let seq = 0;
    if (last) {
      seq = last.seq + 1;
      let at = events.length - 1;
      while (at >= 0 && events[at].eventId !== last.event_id) at--;
      if (at >= 0) from = at + 1;
      // A list that does not hold the last saved event replaced the old one (a stack made anew).
      else this.s.deleteEvents.run(s.account, s.region, kind, name);
    }
    for (let i = from; i < events.length; i++) this.s.insertEvent.run(s.account, s.region, kind, name, seq++, events[i].eventId, JSON.stringify(events[i]));
    this.s.deleteEventsBelow.run(s.account, s.region, kind, name, seq - events.length);
  }

  /** A record as stored; an evented kind's document gets its events back (a document saved before they had rows keeps its own). */
  private read<T>(r: any): SimulatedRecord<T> {
    const record = fromRaw<T>(r);
    if (EVENTED.has(record.kind)) {
      const doc = record.document as EventedDocument;
      const events = this.eventsOf(record.account, record.region, record.kind, record.name);
      if (events.length || !Array.isArray(doc.events)) doc.events = events;
    }
    return record;
  }

  /**
   * The event rows of a resource, parsed (see eventCache), as a new array. A resource's seqs have no
   * gaps: saveEvents, their only writer, appends at the last seq + 1 and drops from the front (or
   * drops them all), so the first and the last row bound what is there: found through the primary
   * key, never counted (a count walked every row: ~0.1 ms for a stack of a few hundred events).
   */
  private eventsOf(account: string, region: string, kind: SimulatedKind, name: string): { eventId: string }[] {
    const key = `${account}\u0000${region}\u0000${kind}\u0000${name}`;
    const last = this.s.lastEvent.get(account, region, kind, name);
    const cached = this.eventCache.get(key);
    this.eventCache.delete(key);
    if (!last) return [];
    const first = this.s.firstSeq.get(account, region, kind, name)!;
    const parse = (rows: { event: string }[]) => rows.map((row) => Object.freeze(JSON.parse(row.event)) as { eventId: string });
    let events: { eventId: string }[] | undefined;
    // Still valid when the row the cache ends with is still there: only appends and front drops happened since.
    if (
      cached &&
      cached.first <= first &&
      first <= cached.last &&
      cached.last <= last.seq &&
      (cached.last === last.seq ? last.event_id : this.s.eventIdAt.get(account, region, kind, name, cached.last)) === cached.lastId
    ) {
      const added = cached.last < last.seq ? parse(this.s.eventsAfter.all(account, region, kind, name, cached.last)) : [];
      events = [...cached.events.slice(first - cached.first), ...added];
    } else {
      const rows = this.s.events.all(account, region, kind, name);
      events = parse(rows);
      // The rows read are the ones bounded above (one statement after the other, nothing written between).
      if (rows.length !== last.seq - first + 1 || rows[rows.length - 1]?.event_id !== last.event_id) return events;
    }
    this.eventCache.set(key, { first, last: last.seq, lastId: last.event_id, events: events.slice() });
    if (this.eventCache.size > CACHED_EVENT_LISTS) this.eventCache.delete(this.eventCache.keys().next().value!);
    return events;
  }

  get<T>(s: Scope, kind: SimulatedKind, name: string): SimulatedRecord<T> | undefined {
    const r = this.s.get.get(s.account, s.region, kind, name);
    return r ? this.read<T>(r) : undefined;
  }

  /** The document alone, without an evented kind's events (cheap: for a status check). */
  peek<T>(s: Scope, kind: SimulatedKind, name: string): T | undefined {
    const r = this.s.get.get(s.account, s.region, kind, name);
    return r ? fromRaw<T>(r).document : undefined;
  }

  put(s: Scope, kind: SimulatedKind, name: string, document: unknown, now: number) {
    if (EVENTED.has(kind)) return this.putEvented(s, kind, name, document as EventedDocument, now);
    this.s.put.run(s.account, s.region, kind, name, JSON.stringify(document), now, now);
  }

  remove(s: Scope, kind: SimulatedKind, name: string) {
    this.s.remove.run(s.account, s.region, kind, name);
    this.s.deleteEvents.run(s.account, s.region, kind, name);
  }

  /** Every resource of a kind in every account and region (e.g. stacks to recover at start). */
  listKind<T>(kind: SimulatedKind): SimulatedRecord<T>[] {
    return this.s.listKind.all(kind).map((r) => this.read<T>(r));
  }

  /** Every resource of a kind in the scope, most recently updated first. */
  list<T>(s: Scope, kind: SimulatedKind): SimulatedRecord<T>[] {
    return this.s.list.all(s.account, s.region, kind).map((r) => this.read<T>(r));
  }
}
