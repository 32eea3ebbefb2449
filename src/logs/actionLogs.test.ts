import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionLogs, logUrlFor } from './actionLogs.js';

const ID = '00000000-0000-4000-8000-000000000001';

describe('action logs on disk', () => {
  it('stop growing at 64 MiB, with a notice, also across a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-logs-'));
    const logs = new ActionLogs(dir);
    const mib = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 64; i++) logs.append(ID, mib);
    expect(fs.statSync(path.join(dir, `${ID}.log`)).size).toBe(64 * 1024 * 1024);
    for (let i = 0; i < 6; i++) logs.append(ID, mib);
    const file = path.join(dir, `${ID}.log`);
    const notice = '\n[log truncated at 67108864 bytes]\n';
    expect(fs.statSync(file).size).toBe(64 * 1024 * 1024 + notice.length);
    expect(logs.read(ID)!.endsWith(notice)).toBe(true);
    // A new process (a restart) sees the file's size and adds nothing.
    new ActionLogs(dir).append(ID, 'more');
    expect(fs.statSync(file).size).toBe(64 * 1024 * 1024 + notice.length);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ignores ids that are not action execution ids', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-logs-'));
    new ActionLogs(dir).append('../escape', 'x');
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('reading a log in pieces', () => {
  const read = async (chunks: AsyncIterable<Buffer>) => {
    const pieces: Buffer[] = [];
    for await (const c of chunks) pieces.push(c);
    return pieces;
  };

  it('gives what is on disk now, in pieces of at most 256 KiB, with its size', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-logs-'));
    const logs = new ActionLogs(dir);
    logs.append(ID, 'é'.repeat(300 * 1024));
    const opened = logs.open(ID)!;
    // Written after opening: not part of this read.
    logs.append(ID, 'later');
    const pieces = await read(opened.chunks);
    expect(opened.size).toBe(600 * 1024);
    expect(pieces.map((p) => p.length)).toEqual([256 * 1024, 256 * 1024, 88 * 1024]);
    expect(Buffer.concat(pieces).toString('utf8')).toBe('é'.repeat(300 * 1024));
    expect(logs.open('00000000-0000-4000-8000-000000000002')).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads an in-memory log the same way', async () => {
    const logs = new ActionLogs(undefined);
    logs.append(ID, 'x'.repeat(300 * 1024));
    const opened = logs.open(ID)!;
    expect(opened.size).toBe(300 * 1024);
    expect((await read(opened.chunks)).map((p) => p.length)).toEqual([256 * 1024, 44 * 1024]);
    expect(logs.open('00000000-0000-4000-8000-000000000002')).toBeUndefined();
  });
});

describe('log URLs in answers', () => {
  it('follow the address the client uses; other URLs are left alone', () => {
    const stored = `http://127.0.0.1:4596/_logs/${ID}`;
    expect(logUrlFor(stored, 'http://localhost:5000')).toBe(`http://localhost:5000/_logs/${ID}`);
    expect(logUrlFor(`${stored}?format=html`, 'http://h:1')).toBe(`http://h:1/_logs/${ID}?format=html`);
    expect(logUrlFor('https://console.aws.amazon.com/codesuite/x', 'http://h:1')).toBe('https://console.aws.amazon.com/codesuite/x');
    expect(logUrlFor(undefined, 'http://h:1')).toBeUndefined();
  });
});
