// Zip archives for pipeline artifacts (fflate): a folder into a zip, and a zip into a folder
// without ever writing outside it.
import fs from 'node:fs';
import path from 'node:path';
import type { Zippable } from 'fflate';
import { lazyRequire } from './lazyRequire.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');
const tinyglobby = lazyRequire<typeof import('tinyglobby')>('tinyglobby');

export class UnsafeArchiveError extends Error {}

/** Largest total a zip may unpack to (its entries' declared sizes; fflate never inflates past them): a zip bomb is refused, not unpacked into memory. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

/**
 * Limits on what an input artifact may expand to, checked from its central directory before anything
 * is inflated: fflate inflates each entry into a buffer of the size the directory declares and never
 * past it, so the declared sizes bound what is written.
 */
/** At most this many entries in one input artifact. */
export const MAX_ZIP_ENTRIES = 200_000;

/** An input artifact too large to extract (a zip bomb, or simply too big for a local run). */
export class ZipLimitError extends Error {}

const n = (v: number) => v.toLocaleString('en-US');

/**
 * Throws ZipLimitError when the zip's entries claim more than MAX_UNZIPPED_BYTES (or MAX_ZIP_ENTRIES
 * entries). Other problems (not a zip at all) are left to the reader.
 */
export function checkZipLimits(zip: Uint8Array, artifactName: string) {
  let total = 0;
  let entries = 0;
  try {
    fflate().unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        entries++;
        return false; // Sizes only: nothing is inflated here.
      },
    });
  } catch {
    return;
  }
  if (total > MAX_UNZIPPED_BYTES)
    throw new ZipLimitError(
      `the input artifact ${artifactName} expands to more than ${n(MAX_UNZIPPED_BYTES)} bytes (its entries claim ${n(total)} bytes): refusing to extract it`,
    );
  if (entries > MAX_ZIP_ENTRIES)
    throw new ZipLimitError(`the input artifact ${artifactName} has ${n(entries)} entries, more than the ${n(MAX_ZIP_ENTRIES)} codepipeline-local extracts`);
}

/** Zips the files under `dir` (optionally only those matching `patterns`, relative to dir). */
export async function zipDirectory(dir: string, patterns: string[] = ['**/*']): Promise<Buffer> {
  const files = await tinyglobby().glob(patterns, { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: false });
  return zipFiles(files.sort().map((f) => ({ path: f, data: fs.readFileSync(path.join(dir, f)), mode: fs.statSync(path.join(dir, f)).mode })));
}

/** Zips in-memory files; `mode` keeps the executable bit (unix external attributes). */
export function zipFiles(files: { path: string; data: Uint8Array; mode?: number }[]): Buffer {
  const tree: Zippable = {};
  for (const f of files) tree[f.path.split(path.sep).join('/')] = [f.data, { os: 3, attrs: ((f.mode ?? 0o644) & 0o777) << 16 }];
  return Buffer.from(fflate().zipSync(tree, { level: 6 }));
}

/** The entries of a zip, by their (safe, relative) path. */
export function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  const filter = (file: { name: string; originalSize: number }) => {
    total += file.originalSize;
    if (total > MAX_UNZIPPED_BYTES) throw new UnsafeArchiveError(`the zip unpacks to more than ${MAX_UNZIPPED_BYTES} bytes`);
    return true;
  };
  for (const [name, data] of Object.entries(fflate().unzipSync(zip, { filter }))) {
    if (name.endsWith('/')) continue;
    out.set(safeEntryPath(name), data);
  }
  return out;
}

/** Extracts a zip into `dir`; an entry that would land outside it (absolute, `..`) is refused. */
export function unzipToDirectory(zip: Uint8Array, dir: string): string[] {
  const root = path.resolve(dir);
  const written: string[] = [];
  for (const [name, data] of readZip(zip)) {
    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep)) throw new UnsafeArchiveError(`zip entry '${name}' escapes the target folder`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    written.push(name);
  }
  return written;
}

function safeEntryPath(name: string): string {
  const normal = path.posix.normalize(name.replace(/\\/g, '/'));
  // NUL cannot name a file; `.` (e.g. `a/..`) names the target folder itself.
  if (normal.startsWith('/') || normal === '..' || normal === '.' || normal.startsWith('../') || /^[A-Za-z]:/.test(normal) || normal.includes('\0'))
    throw new UnsafeArchiveError(`zip entry '${name}' escapes the target folder`);
  return normal;
}
