import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionLogs } from './actionLogs.js';

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
    logs.settle(ID);
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('one\ntwo \nthree\n');
    logs.appendLine(ID, 'four');
    expect(fs.readFileSync(path.join(dir, `${ID}.log`), 'utf8')).toBe('one\ntwo \nthree\nfour\n');
    logs.close();
  });

  it("opens a new log's file off the event loop: what is written meanwhile is read, snapshotted and settled in order", async () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir);
    logs.appendLine(ID, 'one');
    logs.appendLine(ID, 'two');
    // Perhaps not on disk yet, but every reader sees it.
    expect(logs.read(ID)).toBe('one\ntwo\n');
    logs.appendLine(OTHER, 'other');
    expect(logs.all()).toEqual([[OTHER, Buffer.from('other\n')], [ID, Buffer.from('one\ntwo\n')]].sort(([a], [b]) => String(a).localeCompare(String(b))));
    // A third log opened in the background lands in order once the open completes.
    const THIRD = '0f6c2b0e-1111-4222-8333-aaaabbbbcccc';
    logs.appendLine(THIRD, 'a');
    logs.appendLine(THIRD, 'b');
    await new Promise((r) => setTimeout(r, 50));
    logs.appendLine(THIRD, 'c');
    expect(fs.readFileSync(path.join(dir, `${THIRD}.log`), 'utf8')).toBe('a\nb\nc\n');
    logs.close();
  });

  it('a folder removed under it is made again: a new log keeps its lines, and nothing throws', () => {
    const dir = tempDir();
    const logs = new ActionLogs(dir);
    logs.appendLine(ID, 'before');
    fs.rmSync(dir, { recursive: true });
    expect(() => logs.appendLine(OTHER, 'kept')).not.toThrow();
    logs.appendLine(OTHER, 'after');
    expect(logs.read(OTHER)).toBe('kept\nafter\n');
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
