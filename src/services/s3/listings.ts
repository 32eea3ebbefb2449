// Listings: the current objects of a bucket (ListObjects, ListObjectsV2) and all its versions
// (ListObjectVersions), in UTF-8 byte order of keys, under a prefix, rolled up into common prefixes at a
// delimiter, paged by markers.
import type { Buckets } from './buckets.js';
import { s3err } from './errors.js';
import type { StoreContext } from './storeContext.js';
import { toVersion, type ObjectRow, type ObjectVersion, type Versions } from './versions.js';

export interface ListInput {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** Exclusive lower bound: only keys after it (start-after, marker, or a continuation cursor). */
  after?: string;
}

export interface ListResult {
  contents: ObjectVersion[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts (exclusive), when truncated. */
  cursor?: string;
  /** The last key or common prefix returned. */
  last?: string;
}

export interface VersionListInput {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** Only keys after it, or (with versionIdMarker) the versions of it older than that version, then keys after it. */
  keyMarker?: string;
  /** A version of keyMarker: the listing continues with the next older version. */
  versionIdMarker?: string;
}

/** One entry of a version listing, in S3's order: a version or delete marker, or a common prefix. */
export type VersionListEntry = { version: ObjectVersion; isLatest: boolean } | { commonPrefix: string };

export interface VersionListResult {
  entries: VersionListEntry[];
  isTruncated: boolean;
  /** When truncated: the last key (or common prefix) returned, and the last version id returned (absent after a common prefix). */
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

// Skips every key that starts with a common prefix: U+10FFFF is the highest character in UTF-8 byte order.
const PAST = '\u{10FFFF}';

export class Listings {
  private readonly q;

  constructor(
    ctx: StoreContext,
    private readonly buckets: Buckets,
    private readonly versions: Versions,
  ) {
    const { db } = ctx;
    this.q = {
      listFrom: db.prepare<[string, string, number], ObjectRow>(
        'SELECT o.* FROM s3_latest l JOIN s3_objects o ON o.seq = l.seq WHERE l.bucket = ? AND l.live = 1 AND l.key > ? ORDER BY l.key LIMIT ?',
      ),
      listAtOrAfter: db.prepare<[string, string, number], ObjectRow>(
        'SELECT o.* FROM s3_latest l JOIN s3_objects o ON o.seq = l.seq WHERE l.bucket = ? AND l.live = 1 AND l.key >= ? ORDER BY l.key LIMIT ?',
      ),
      // Versions in S3's listing order (keys ascending, versions newest first), with whether each is the key's latest.
      keyVersionsBefore: db.prepare<[string, string, number, number], ObjectRow & { is_latest: number }>(
        `SELECT o.*, (l.seq = o.seq) AS is_latest FROM s3_objects o LEFT JOIN s3_latest l ON l.bucket = o.bucket AND l.key = o.key
         WHERE o.bucket = ? AND o.key = ? AND o.seq < ? ORDER BY o.seq DESC LIMIT ?`,
      ),
      versionsAfterKey: db.prepare<[string, string, number], ObjectRow & { is_latest: number }>(
        `SELECT o.*, (l.seq = o.seq) AS is_latest FROM s3_objects o LEFT JOIN s3_latest l ON l.bucket = o.bucket AND l.key = o.key
         WHERE o.bucket = ? AND o.key > ? ORDER BY o.key, o.seq DESC LIMIT ?`,
      ),
    };
  }

  /**
   * Lists the current objects of a bucket in UTF-8 byte order: keys under `prefix`, rolled up into
   * common prefixes at `delimiter`, at most `maxKeys` entries (keys + prefixes) after `after`.
   */
  listObjects(bucket: string, input: ListInput): ListResult {
    this.buckets.requireBucket(bucket);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter ?? '';
    const contents: ObjectVersion[] = [];
    const commonPrefixes: string[] = [];
    let count = 0;
    let last: string | undefined;
    // The cursor is an exclusive lower bound; `inclusive` starts at the prefix itself.
    let cursor = input.after ?? '';
    let inclusive = false;
    if (prefix > cursor) {
      cursor = prefix;
      inclusive = true;
    }
    if (input.after !== undefined && delimiter && input.after.startsWith(prefix)) {
      // A marker that names a common prefix continues after everything under it.
      const rest = input.after.slice(prefix.length);
      const at = rest.indexOf(delimiter);
      if (at >= 0 && at + delimiter.length === rest.length) cursor = input.after + PAST;
    }
    const batch = 1000;
    let done = false;
    let truncated = false;
    while (!done) {
      const rows = (inclusive ? this.q.listAtOrAfter : this.q.listFrom).all(bucket, cursor, batch);
      inclusive = false;
      if (rows.length === 0) break;
      let jumped = false;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) {
          done = true;
          break;
        }
        let entry: { key?: ObjectVersion; prefix?: string };
        const rest = row.key.slice(prefix.length);
        const at = delimiter ? rest.indexOf(delimiter) : -1;
        if (at >= 0) {
          const cp = prefix + rest.slice(0, at + delimiter.length);
          if (cp === last) {
            cursor = row.key;
            continue;
          }
          entry = { prefix: cp };
        } else {
          entry = { key: toVersion(row) };
        }
        if (count >= input.maxKeys) {
          truncated = input.maxKeys > 0;
          done = true;
          break;
        }
        count++;
        if (entry.prefix !== undefined) {
          commonPrefixes.push(entry.prefix);
          last = entry.prefix;
          cursor = entry.prefix + PAST;
          jumped = true;
          break;
        }
        contents.push(entry.key!);
        last = entry.key!.key;
        cursor = last;
      }
      if (!jumped && rows.length < batch) break;
    }
    return { contents, commonPrefixes, isTruncated: truncated, ...(truncated && { cursor }), ...(last !== undefined && { last }) };
  }

  /**
   * ListObjectVersions: every version and delete marker in UTF-8 byte order of keys, newest first within
   * a key; keys under `prefix`, rolled up into common prefixes at `delimiter`; at most `maxKeys` entries
   * (versions + prefixes) after the key marker (and version id marker). InvalidArgument when the version
   * id marker names no version of the key marker.
   */
  listVersions(bucket: string, input: VersionListInput): VersionListResult {
    this.buckets.requireBucket(bucket);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter ?? '';
    // The position is exclusive: versions of `key` older than `seq` come next, then keys after `key`.
    // seq ALL takes in every version of `key`; seq 0 none of them.
    const ALL = Number.MAX_SAFE_INTEGER;
    let key = '';
    let seq = ALL;
    if (input.keyMarker !== undefined && input.keyMarker !== '') {
      key = input.keyMarker;
      seq = 0;
      if (input.versionIdMarker !== undefined && input.versionIdMarker !== '') {
        const marker = this.versions.getVersion(bucket, input.keyMarker, input.versionIdMarker);
        if (!marker) throw s3err.invalidArgument('Invalid version id specified', 'version-id-marker', input.versionIdMarker);
        seq = marker.seq;
      } else if (delimiter && key.startsWith(prefix)) {
        // A key marker that names a common prefix continues after everything under it.
        const rest = key.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0 && at + delimiter.length === rest.length) key += PAST;
      }
    }
    if (prefix > key) {
      key = prefix;
      seq = ALL;
    }
    const entries: VersionListEntry[] = [];
    let lastPrefix: string | undefined;
    let truncated = false;
    const batch = 1000;
    let done = false;
    while (!done) {
      let rows = seq > 0 ? this.q.keyVersionsBefore.all(bucket, key, seq, batch) : [];
      if (rows.length === 0) rows = this.q.versionsAfterKey.all(bucket, key, batch);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) {
          done = true;
          break;
        }
        const rest = row.key.slice(prefix.length);
        const at = delimiter ? rest.indexOf(delimiter) : -1;
        const cp = at >= 0 ? prefix + rest.slice(0, at + delimiter.length) : undefined;
        if (cp !== undefined && cp === lastPrefix) {
          key = row.key;
          seq = row.seq;
          continue;
        }
        if (entries.length >= input.maxKeys) {
          truncated = input.maxKeys > 0;
          done = true;
          break;
        }
        if (cp !== undefined) {
          entries.push({ commonPrefix: cp });
          lastPrefix = cp;
          // Skip every key under the common prefix.
          key = cp + PAST;
          seq = 0;
          break;
        }
        entries.push({ version: toVersion(row), isLatest: row.is_latest === 1 });
        key = row.key;
        seq = row.seq;
      }
    }
    const last = entries.at(-1);
    return {
      entries,
      isTruncated: truncated,
      ...(truncated && last !== undefined && ('commonPrefix' in last ? { nextKeyMarker: last.commonPrefix } : { nextKeyMarker: last.version.key, nextVersionIdMarker: last.version.versionId })),
    };
  }
}
