import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Zip, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { extractZip, readZip, readZipEntries, UnsafeArchiveError, ZipLimitError, zipDirectory, zipFiles, zipFilesFromDisk } from './zip.js';

describe('zip', () => {
  it('round-trips a folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'hello');
    fs.writeFileSync(path.join(dir, '.hidden'), 'h');
    const zip = await zipDirectory(dir);
    expect([...readZip(zip).keys()]).toEqual(['.hidden', 'src/a.txt']);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    expect(await extractZip(zip, out, { artifact: 'A' })).toEqual(['.hidden', 'src/a.txt']);
    expect(fs.readFileSync(path.join(out, 'src', 'a.txt'), 'utf8')).toBe('hello');
  });

  it('refuses entries that would escape the target folder', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    for (const name of ['../evil.txt', '/etc/evil', 'a/../../evil'])
      await expect(extractZip(zipSync({ [name]: new Uint8Array([1]) }), out, { artifact: 'A' })).rejects.toThrow(UnsafeArchiveError);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(readZip(zipFiles([{ path: 'ok.txt', data: new Uint8Array([1]) }])).get('ok.txt')).toEqual(new Uint8Array([1]));
  });

  it('counts the bytes an entry really inflates to: a declared size that lies does not get past', async () => {
    const zip = zipSync({ zeros: new Uint8Array(64 * 1024) });
    // Both headers claim 100 bytes for an entry that inflates to 64 KiB.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; at + 46 <= zip.length; at++) {
      const sig = view.getUint32(at, true);
      if (sig === 0x04034b50) view.setUint32(at + 22, 100, true);
      if (sig === 0x02014b50) view.setUint32(at + 24, 100, true);
    }
    await expect(readZipEntries(zip, { artifact: "'A'" })).rejects.toThrow(new UnsafeArchiveError("zip entry 'zeros' inflates to more than the 100 bytes it declares"));
  });

  it('small entries inflate to exactly their bytes, in memory and on disk, inline and in a worker; damaged data is refused as before', async () => {
    const text = Buffer.from('Resources:\n  Param:\n    Type: AWS::SSM::Parameter\n'.repeat(20));
    const files = { 'a.yml': text, 'one.txt': new Uint8Array([7]), 'empty.txt': new Uint8Array(0) };
    // 1 MiB of zeros claims too much to unzip inline: that archive goes to a worker.
    for (const zip of [zipSync(files), zipSync({ ...files, 'zeros.bin': new Uint8Array(1024 * 1024 + 1) })]) {
      const entries = await readZipEntries(zip, { artifact: "'A'" });
      expect(Buffer.from(entries.get('a.yml')!).equals(text)).toBe(true);
      expect([...entries.get('one.txt')!]).toEqual([7]);
      expect(entries.get('empty.txt')!.length).toBe(0);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
      await extractZip(zip, out, { artifact: 'A' });
      expect(fs.readFileSync(path.join(out, 'a.yml')).equals(text)).toBe(true);
      expect([...fs.readFileSync(path.join(out, 'one.txt'))]).toEqual([7]);
    }
    // The deflate stream cut short (the declared sizes left as they were): fflate's words for it, as before.
    const zip = zipSync({ 'a.yml': text });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const compressed = view.getUint32(18, true);
    zip.fill(0xff, 30 + 'a.yml'.length + Math.floor(compressed / 2), 30 + 'a.yml'.length + compressed);
    await expect(readZipEntries(zip, { artifact: "'A'" })).rejects.toThrow(/^unexpected EOF$/);
  });

  it('refuses an artifact over the limits, by what it claims and by what it inflates to', async () => {
    const limits = { totalBytes: 1000, entryBytes: 600, entries: 3 };
    const two = zipSync({ a: new Uint8Array(500), b: new Uint8Array(501) });
    await expect(readZipEntries(two, { artifact: "'A'", limits })).rejects.toThrow(
      new ZipLimitError("the input artifact 'A' expands to more than 1,000 bytes (its entries claim 1,001 bytes), the limit of an artifact codepipeline-local extracts (--max-artifact-size): refusing to extract it"),
    );
    await expect(readZipEntries(zipSync({ big: new Uint8Array(601) }), { artifact: "'A'", limits })).rejects.toThrow(ZipLimitError);
    await expect(readZipEntries(zipSync({ a: new Uint8Array(1), b: new Uint8Array(1), c: new Uint8Array(1), d: new Uint8Array(1) }), { artifact: "'A'", limits })).rejects.toThrow(ZipLimitError);
    expect([...(await readZipEntries(zipSync({ a: new Uint8Array(500), b: new Uint8Array(500) }), { artifact: "'A'", limits })).keys()]).toEqual(['a', 'b']);
  });

  it('zips files from disk in a worker, keeping the executable bit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-'));
    fs.writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const zip = await zipFilesFromDisk([{ path: 'bin/run.sh', file: path.join(dir, 'run.sh'), mode: 0o100755 }]);
    expect(Buffer.from(readZip(zip).get('bin/run.sh')!).toString()).toBe('#!/bin/sh\n');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    await extractZip(zip, out, { artifact: 'A' });
    expect(fs.readFileSync(path.join(out, 'bin', 'run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    await expect(zipFilesFromDisk([{ path: 'gone', file: path.join(dir, 'missing') }])).rejects.toThrow(/ENOENT/);
  });

  it('reads entries as the central directory lists them: data that looks like a header is only data', async () => {
    // A streamed zip: sizes come after each entry's data, which here holds a local-header signature.
    const parts: Uint8Array[] = [];
    const z = new Zip((e, d) => {
      if (e) throw e;
      parts.push(d);
    });
    const tricky = Buffer.from('before PK\x03\x04 and PK\x07\x08 and PK\x01\x02 after', 'latin1');
    const entry = new ZipPassThrough('tricky.bin');
    z.add(entry);
    entry.push(tricky, true);
    const other = new ZipPassThrough('other.txt');
    z.add(other);
    other.push(Buffer.from('other'), true);
    z.end();
    const entries = await readZipEntries(Buffer.concat(parts), { artifact: "'A'" });
    expect([...entries.keys()]).toEqual(['tricky.bin', 'other.txt']);
    expect(Buffer.from(entries.get('tricky.bin')!).equals(tricky)).toBe(true);
  });

  it('refuses encrypted entries and archives that are not zips', async () => {
    const zip = zipSync({ 'secret.txt': new Uint8Array([1]) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; at + 46 <= zip.length; at++) if (view.getUint32(at, true) === 0x02014b50) view.setUint16(at + 8, view.getUint16(at + 8, true) | 1, true);
    await expect(readZipEntries(zip, { artifact: "'A'" })).rejects.toThrow("not a valid zip archive: zip entry 'secret.txt' is encrypted");
    await expect(readZipEntries(Buffer.from('not a zip'), { artifact: "'A'" })).rejects.toThrow('not a valid zip archive: invalid zip data');
  });

  it('an aborted extraction stops at its next chunk, closes the file it was writing, and the pool still serves', async () => {
    const zip = zipSync({ 'zeros.bin': new Uint8Array(256 * 1024 * 1024) }, { level: 1 });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-'));
    const openFds = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFds();
    const abort = new AbortController();
    const extraction = extractZip(zip, out, { artifact: 'A', signal: abort.signal });
    const target = path.join(out, 'zeros.bin');
    for (const end = Date.now() + 30_000; !fs.existsSync(target) && Date.now() < end; ) await new Promise((r) => setImmediate(r));
    abort.abort(new Error('stopped'));
    await expect(extraction).rejects.toThrow('stopped');
    for (const end = Date.now() + 10_000; openFds() > before && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    expect(openFds()).toBe(before);
    expect(fs.statSync(target).size).toBeLessThan(256 * 1024 * 1024);
    expect([...(await readZipEntries(zipSync({ a: new Uint8Array([1]) }), { artifact: 'A' })).keys()]).toEqual(['a']);
  });
});
