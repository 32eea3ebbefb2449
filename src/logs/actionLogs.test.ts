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
