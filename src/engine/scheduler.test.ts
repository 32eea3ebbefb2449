import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import type { TimerRow } from '../store/timers.js';
import { Logger } from '../util/log.js';
import { ManualClock } from '../util/manualClock.js';
import { Scheduler, type PipelineKey } from './scheduler.js';

const scope = { account: '123456789012', region: 'us-east-1' };
const settled = () => new Promise((r) => setImmediate(r));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(advance: (k: PipelineKey, s: Scheduler) => void = () => {}, dataDir?: string) {
  const store = Store.open({ inMemory: !dataDir, dataDir: dataDir ?? 'unused' });
  const clock = new ManualClock(1_000_000);
  const advanced: string[] = [];
  const fired: TimerRow[] = [];
  const scheduler: Scheduler = new Scheduler(store, clock, new Logger('error'), {
    advance: (k) => {
      advanced.push(k.pipeline);
      advance(k, scheduler);
    },
    fireTimer: (t) => fired.push(t),
  });
  cleanups.push(() => {
    scheduler.stop();
    store.close();
  });
  return { store, clock, scheduler, advanced, fired };
}

describe('Scheduler', () => {
  it('advances a pipeline marked several times once, after the current call stack', async () => {
    const { scheduler, advanced } = setup();
    scheduler.schedule({ ...scope, pipeline: 'a' });
    scheduler.schedule({ ...scope, pipeline: 'b' });
    scheduler.schedule({ ...scope, pipeline: 'a' });
    expect(advanced).toEqual([]);
    await settled();
    expect(advanced).toEqual(['a', 'b']);
  });

  it('runs after-commit effects once the advance committed, and drops them when it rolled back', async () => {
    const effects: string[] = [];
    const { scheduler, store } = setup((k, s) => {
      store.timers.add(5, 'probe', k.pipeline);
      s.afterCommitted(() => effects.push(`${k.pipeline}: ${store.timers.due(10).length} timers`));
      if (k.pipeline === 'bad') throw new Error('advance failed');
    });
    scheduler.schedule({ ...scope, pipeline: 'bad' });
    scheduler.schedule({ ...scope, pipeline: 'good' });
    await settled();
    // The failed advance's timer was rolled back with it; its effect never ran.
    expect(effects).toEqual(['good: 1 timers']);
  });

  it('fires due timers (deleted first) and leaves the others; expireDue fires only the given ref', () => {
    const { scheduler, store, clock, fired } = setup();
    store.timers.add(clock.now() + 10, 'approval-timeout', 'x');
    store.timers.add(clock.now() + 10, 'approval-timeout', 'y');
    store.timers.add(clock.now() + 1000, 'approval-timeout', 'z');
    clock.advance(10);
    scheduler.expireDue('y');
    expect(fired.map((t) => t.ref)).toEqual(['y']);
    scheduler.runDueTimers();
    expect(fired.map((t) => t.ref)).toEqual(['y', 'x']);
    expect(store.timers.due(clock.now() + 1000).map((t) => t.ref)).toEqual(['z']);
  });

  it('arms a timer written after it last looked (the next due time is kept between writes), by any write path', async () => {
    // setTimeout(0) of an armed due timer runs before a later setTimeout(5): an order, not a duration.
    const turn = () => new Promise((r) => setTimeout(r, 5));
    const { scheduler, store, clock, fired } = setup((k) => {
      if (k.pipeline === 'adds') store.timers.add(clock.now(), 'rule-recheck', 'from-advance');
    });
    scheduler.start([]); // looked: no timer
    await turn();
    store.tx(() => store.timers.add(clock.now(), 'approval-timeout', 'in-tx'));
    scheduler.flush();
    await turn();
    expect(fired.map((t) => t.ref)).toEqual(['in-tx']);
    scheduler.commitAndAdvance(() => scheduler.schedule({ ...scope, pipeline: 'adds' }));
    await turn();
    expect(fired.map((t) => t.ref)).toEqual(['in-tx', 'from-advance']);
    // A later timer, then one due sooner after a cancel that removed nothing.
    store.timers.add(clock.now() + 60_000, 'job-timeout', 'later');
    scheduler.flush();
    store.timers.cancel('nothing');
    store.timers.add(clock.now(), 'job-timeout', 'sooner');
    scheduler.flush();
    await turn();
    expect(fired.map((t) => t.ref)).toEqual(['in-tx', 'from-advance', 'sooner']);
  });

  it('paused, it forgets pending work; start() resumes with the pipelines it is given', async () => {
    const { scheduler, advanced } = setup();
    scheduler.schedule({ ...scope, pipeline: 'a' });
    scheduler.pause();
    expect(scheduler.stopped).toBe(true);
    await settled();
    scheduler.schedule({ ...scope, pipeline: 'b' });
    await settled();
    expect(advanced).toEqual([]);
    scheduler.start([{ ...scope, pipeline: 'c' }]);
    await settled();
    expect(advanced).toEqual(['b', 'c']);
  });

  it('commitAndAdvance commits a change and the advances it asks for together; a failing advance leaves the change committed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-scheduler-'));
    const effects: string[] = [];
    let reader: Database.Database | undefined;
    // What another connection sees: only what is committed.
    const committed = () => (reader!.prepare('SELECT ref FROM timers ORDER BY ref').pluck().all() as string[]).join(',');
    const { scheduler, store } = setup((k, s) => {
      effects.push(`advance ${k.pipeline} sees [${committed()}]`);
      store.timers.add(5, 'probe', `${k.pipeline}-advanced`);
      s.afterCommitted(() => effects.push(`effect ${k.pipeline} sees [${committed()}]`));
      if (k.pipeline === 'bad') throw new Error('advance failed');
    }, dir);
    cleanups.unshift(() => {
      reader?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    reader = new Database(path.join(dir, 'codepipeline-local.sqlite'), { readonly: true });
    scheduler.commitAndAdvance(() => {
      store.timers.add(5, 'probe', 'change');
      scheduler.schedule({ ...scope, pipeline: 'bad' });
      scheduler.schedule({ ...scope, pipeline: 'good' });
    });
    expect(effects).toEqual(['advance bad sees []', 'advance good sees []', 'effect good sees [change,good-advanced]']);
    expect(committed()).toBe('change,good-advanced');
  });
});
