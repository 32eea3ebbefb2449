// What the zip helpers (zip.ts) hand to a worker thread (zipWorker.ts) and what comes back: on their
// own so that zip.ts and the worker pool (zipWorkers.ts) both use them without importing each other.

/** What one input artifact may unpack to. */
export interface UnzipLimits {
  /** All entries together, in bytes. */
  totalBytes: number;
  /** One entry, in bytes. */
  entryBytes: number;
  entries: number;
}

/** An unzip for the worker (zipWorker.ts): the zip, and the folder to extract into (none: return the entries). */
export interface UnzipJob {
  kind: 'unzip';
  zip: ArrayBuffer;
  dir?: string;
  limits: UnzipLimits;
  /** How messages name the artifact, e.g. `'SourceOutput'`. */
  artifact: string;
  /** Set to 1 (by zipWorkers.ts) when the caller no longer wants the answer: the worker stops at its next chunk. */
  cancel?: Int32Array;
}

/** A zip for the worker: files on disk (read there, not here), by their name in the archive. */
export interface ZipJob {
  kind: 'zip';
  files: { path: string; file: string; mode?: number }[];
}

export type WorkerReply =
  | { ok: true; files?: string[]; entries?: [string, Uint8Array][]; zip?: Uint8Array }
  | { ok: false; kind: 'limit' | 'unsafe' | 'invalid'; message: string };
