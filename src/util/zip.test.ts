import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, UnsafeArchiveError, unzipToDirectory, zipDirectory, zipFiles } from './zip.js';

describe('zip', () => {
  it('round-trips a folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'hello');
    fs.writeFileSync(path.join(dir, '.hidden'), 'h');
    const zip = await zipDirectory(dir);
    expect([...readZip(zip).keys()]).toEqual(['.hidden', 'src/a.txt']);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    expect(unzipToDirectory(zip, out)).toEqual(['.hidden', 'src/a.txt']);
    expect(fs.readFileSync(path.join(out, 'src', 'a.txt'), 'utf8')).toBe('hello');
  });

  it('refuses entries that would escape the target folder', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    for (const name of ['../evil.txt', '/etc/evil', 'a/../../evil'])
      expect(() => unzipToDirectory(zipSync({ [name]: new Uint8Array([1]) }), out)).toThrow(UnsafeArchiveError);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(readZip(zipFiles([{ path: 'ok.txt', data: new Uint8Array([1]) }])).get('ok.txt')).toEqual(new Uint8Array([1]));
  });
});
