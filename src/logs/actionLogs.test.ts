import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../store/index.js';
import { ActionLogs } from './actionLogs.js';
import { HOLD_MS, SMALL_LOG_BYTES } from './logChunks.js';

const ID = '0f6c2b0e-1111-4222-8333-444455556666';
const OTHER = '0f6c2b0e-1111-4222-8333-777788889999';
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-logs-'));
  dirs.push(d);
  return path.join(d, 'logs');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('ActionLogs on disk', () => {
  it('appends every line to the one file it keeps open', () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir);
    logs.appendLine(ID, 'one');
    logs.append(ID, 'two ');
    logs.appendLine(ID, 'three');
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('one\ntwo \nthree\n');
    logs.close();
  });

  it('a folder removed under it loses the line of a new log, never throws, and the next line makes it again', () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir);
    logs.appendLine(ID, 'before');
    fs.rmSync(dir, { recursive: true });
    expect(() => logs.appendLine(OTHER, 'lost')).not.toThrow();
    logs.appendLine(OTHER, 'after');
    expect(fs.readFileSync(path.join(dir, `${OTHER}.log`), 'utf8')).toBe('after\n');
    logs.close();
  });

  it('after close (stop) a late line still lands, and a removed folder is not made again', () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir);
    logs.appendLine(ID, 'running');
    logs.close();
    logs.appendLine(ID, 'late');
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('running\nlate\n');
    fs.rmSync(dir, { recursive: true });
    expect(() => logs.appendLine(ID, 'gone')).not.toThrow();
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('ActionLogs with a store: short logs in the database', () => {
  const withStore = () => {
    const store = Store.open({ inMemory: true, dataDir: '' });
    stores.push(store);
    return store;
  };
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });

  it('keeps a short log in the database (no file), read back whole, also by a new ActionLogs (a restart)', async () => {
    const dir = tempDir();
    const store = withStore();
    const logs = new ActionLogs(dir, store.db);
    logs.appendLine(ID, 'one');
    logs.append(ID, 'two ');
    logs.appendLine(ID, 'three');
    expect(fs.existsSync(path.join(dir, `${ID}.log`))).toBe(false);
    expect(logs.read(ID)).toBe('one\ntwo \nthree\n');
    const again = new ActionLogs(dir, store.db);
    again.appendLine(ID, 'four');
    expect(again.read(ID)).toBe('one\ntwo \nthree\nfour\n');
    const opened = again.open(ID)!;
    const parts: Buffer[] = [];
    for await (const c of opened.chunks) parts.push(c);
    expect({ size: opened.size, text: Buffer.concat(parts).toString('utf8') }).toEqual({ size: 20, text: 'one\ntwo \nthree\nfour\n' });
    expect(logs.open(OTHER)).toBeUndefined();
  });

  it("settle() writes the lines held for the end of the turn at once (before an action's outcome is recorded)", () => {
    const store = withStore();
    const logs = new ActionLogs(tempDir(), store.db);
    logs.appendLine(ID, 'held');
    const rows = () => store.db.prepare('SELECT COUNT(*) FROM action_log_chunks WHERE id = ?').pluck().get(ID);
    expect(rows()).toBe(0);
    logs.settle(ID);
    expect(rows()).toBe(1);
  });

  it('holds lines written outside a transaction for the next one that writes a line (one commit), at most HOLD_MS', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
    try {
      const store = withStore();
      const logs = new ActionLogs(tempDir(), store.db);
      const rows = () => store.db.prepare('SELECT COUNT(*) FROM action_log_chunks').pluck().get();
      logs.appendLine(ID, 'first');
      vi.advanceTimersByTime(HOLD_MS - 1);
      expect(rows()).toBe(0);
      store.tx(() => logs.appendLine(OTHER, 'inside'));
      expect(rows()).toBe(2);
      logs.appendLine(ID, 'second');
      vi.advanceTimersByTime(HOLD_MS);
      expect(rows()).toBe(3);
      expect(logs.read(ID)?.toString()).toBe('first\nsecond\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lines held from before a transaction that joined it and rolled back are written again', async () => {
    const store = withStore();
    const logs = new ActionLogs(tempDir(), store.db);
    logs.appendLine(ID, 'before');
    expect(() =>
      store.tx(() => {
        logs.appendLine(OTHER, 'inside');
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    await new Promise((r) => setTimeout(r, 5));
    expect(logs.read(ID)?.toString()).toBe('before\n');
    expect(logs.read(OTHER)).toBeUndefined();
    // Committed: written once.
    logs.appendLine(ID, 'again');
    store.tx(() => logs.appendLine(OTHER, 'kept'));
    await new Promise((r) => setTimeout(r, 5));
    expect(logs.read(ID)?.toString()).toBe('before\nagain\n');
    expect(logs.read(OTHER)?.toString()).toBe('kept\n');
  });

  it('moves a log that outgrows SMALL_LOG_BYTES to its file, in order, and appends there from then on', () => {
    const dir = tempDir();
    const store = withStore();
    const logs = new ActionLogs(dir, store.db);
    const line = 'x'.repeat(1023);
    for (let i = 0; i < 16; i++) logs.appendLine(ID, line);
    expect(fs.existsSync(path.join(dir, `${ID}.log`))).toBe(false);
    logs.appendLine(ID, 'past the limit');
    logs.appendLine(ID, 'after');
    const whole = `${`${line}\n`.repeat(16)}past the limit\nafter\n`;
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe(whole);
    expect(store.db.prepare('SELECT COUNT(*) FROM action_log_chunks').pluck().get()).toBe(0);
    expect(logs.read(ID)).toBe(whole);
    logs.close();
  });

  it('a log that already has a file (written before logs were kept in the database) goes on in its file', () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${ID}.log`), 'old\n');
    const logs = new ActionLogs(dir, withStore().db);
    logs.appendLine(ID, 'new');
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('old\nnew\n');
    logs.close();
  });

  it('a log started() for a new action execution goes to the database from its first line, without looking for a file', () => {
    const dir = tempDir();
    // A file under the id (no new action execution has one) shows whether it was looked for.
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${ID}.log`), 'probe\n');
    const logs = new ActionLogs(dir, withStore().db);
    logs.started(ID);
    logs.appendLine(ID, 'first');
    logs.settle(ID);
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('probe\n');
    logs.close();
  });

  it("removeHeld() inside a transaction deletes the short logs with it: a rollback keeps them, a commit removes them", () => {
    const store = withStore();
    const logs = new ActionLogs(tempDir(), store.db);
    logs.appendLine(ID, 'kept');
    logs.settle(ID);
    expect(() =>
      store.tx(() => {
        logs.removeHeld([ID]);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(logs.read(ID)).toBe('kept\n');
    store.tx(() => logs.removeHeld([ID]));
    expect(logs.read(ID)).toBeUndefined();
  });

  it('all() gives files and database logs; replaceAll() replaces both', () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir, withStore().db);
    logs.appendLine(ID, 'short');
    logs.appendLine(OTHER, 'y'.repeat(SMALL_LOG_BYTES));
    expect(new Map(logs.all().map(([id, b]) => [id, b.toString('utf8')]))).toEqual(new Map([[OTHER, `${'y'.repeat(SMALL_LOG_BYTES)}\n`], [ID, 'short\n']]));
    logs.replaceAll([[OTHER, Buffer.from('restored\n')]]);
    expect(logs.all().map(([id, b]) => [id, b.toString('utf8')])).toEqual([[OTHER, 'restored\n']]);
    expect(fs.existsSync(path.join(dir, `${OTHER}.log`))).toBe(false);
    expect(logs.read(ID)).toBeUndefined();
    logs.close();
  });
});
