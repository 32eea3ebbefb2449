// Action logs: what every action printed, kept per action execution. On disk a log is kept in the
// database while it is short (logChunks.ts, up to SMALL_LOG_BYTES), then in
// <dataDir>/logs/<actionExecutionId>.log (either way they outlive a restart; a log with a file is read
// from its file); with --in-memory they stay in memory; each is capped (8 MiB in memory, 64 MiB on
// disk) so a chatty build cannot exhaust either.
// start() creates the one ActionLogs and gives it to the engine; providers write through actionLog().
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.js';
import type { Clock } from '../util/clock.js';
import { LogChunks, SMALL_LOG_BYTES } from './logChunks.js';
import { SecretMasker } from './secretMask.js';

/** Action execution ids are UUIDs; nothing else ever names a log file. */
export const LOG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MEMORY_CAP = 8 * 1024 * 1024;
const DISK_CAP = 64 * 1024 * 1024;
const READ_CHUNK = 256 * 1024;
/** Log files held open at once (running actions write to a handful; the oldest is closed first). */
const MAX_OPEN = 64;
const truncated = (cap: number) => `\n[log truncated at ${cap} bytes]\n`;

export class ActionLogs {
  private readonly memory = new Map<string, string>();
  /** Logs whose last write did not end a line: the next line of our own starts on a fresh one. */
  private readonly openLine = new Set<string>();
  /** Bytes written so far to each log file (read from the file the first time, after a restart). */
  private readonly diskSizes = new Map<string, number>();
  /** Log files held open for appending, oldest first: an action writes many lines (bounded: see MAX_OPEN). */
  private readonly fds = new Map<string, number>();
  /** Bytes held in the database for each short log this process wrote or looked at (absent: not known yet, or a file). */
  private readonly heldSizes = new Map<string, number>();
  /** Short logs in the database (on disk with a store only). */
  private readonly chunks: LogChunks | undefined;
  private dirMade = false;
  private stopped = false;

  /** `dir` undefined: in-memory mode. `db`: where short logs are kept (without it every log is a file). */
  constructor(
    private readonly dir: string | undefined,
    db?: Db,
  ) {
    this.chunks = dir && db ? new LogChunks(db) : undefined;
  }

  /** Appends one line of the emulator's own, after a newline when command output left one open. */
  appendLine(id: string, line: string) {
    this.append(id, `${this.openLine.has(id) ? '\n' : ''}${line}\n`);
  }

  append(id: string, text: string) {
    if (!LOG_ID.test(id) || !text) return;
    if (text.endsWith('\n')) this.openLine.delete(id);
    else this.openLine.add(id);
    if (!this.dir) {
      const current = this.memory.get(id) ?? '';
      if (current.length >= MEMORY_CAP) return;
      const next = current + text;
      this.memory.set(id, next.length > MEMORY_CAP ? `${next.slice(0, MEMORY_CAP)}${truncated(MEMORY_CAP)}` : next);
      return;
    }
    const file = path.join(this.dir, `${id}.log`);
    if (this.chunks && !this.diskSizes.has(id) && this.appendHeld(id, file, text)) return;
    const size = this.diskSizes.get(id) ?? fileSize(file);
    // Past the cap means the notice is written: nothing more goes in.
    if (size > DISK_CAP) return;
    let chunk = Buffer.from(text, 'utf8');
    if (size + chunk.length > DISK_CAP) chunk = Buffer.concat([chunk.subarray(0, DISK_CAP - size), Buffer.from(truncated(DISK_CAP))]);
    try {
      if (this.stopped) fs.appendFileSync(file, chunk);
      else fs.writeSync(this.fdOf(id, file), chunk);
    } catch {
      // The folder went away under us (removed after a stop while a build still printed): the line
      // is lost, never the process. The next line opens the file anew.
      this.forget(id);
      return;
    }
    this.diskSizes.set(id, size + chunk.length);
  }

  /**
   * A short log goes to the database; true when the text is written (or lost: the store is closed).
   * False when the log is (or now becomes) a file: the caller appends to the file.
   */
  private appendHeld(id: string, file: string, text: string): boolean {
    const chunks = this.chunks!;
    let held = this.heldSizes.get(id);
    if (held === undefined) {
      // First look at this log in this process: a file wins (a long log, or one from before logs were held).
      const onDisk = fileSizeOrUndefined(file);
      if (onDisk !== undefined) {
        this.diskSizes.set(id, onDisk);
        return false;
      }
      if (!chunks.usable) return false;
      held = chunks.size(id);
    }
    const body = Buffer.from(text, 'utf8');
    try {
      if (held + body.length <= SMALL_LOG_BYTES) {
        chunks.append(id, body);
        this.heldSizes.set(id, held + body.length);
        return true;
      }
      // Outgrown: what is held moves to the file, then the text is appended there.
      const before = chunks.read(id) ?? Buffer.alloc(0);
      fs.writeSync(this.fdOf(id, file), before);
      chunks.remove(id);
      this.heldSizes.delete(id);
      this.diskSizes.set(id, before.length);
      return false;
    } catch {
      // The store closed under a build still printing, or the folder went away: the text is lost, never the process.
      this.forget(id);
      return true;
    }
  }

  private forget(id: string) {
    const fd = this.fds.get(id);
    this.fds.delete(id);
    this.dirMade = false;
    if (fd !== undefined) fs.close(fd, () => {});
  }

  /** The open file of a log, opened for appending (and its folder made) on first use. */
  private fdOf(id: string, file: string): number {
    let fd = this.fds.get(id);
    if (fd !== undefined) return fd;
    if (!this.dirMade) {
      fs.mkdirSync(this.dir!, { recursive: true });
      this.dirMade = true;
    }
    if (this.fds.size >= MAX_OPEN) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
      fs.closeSync(oldFd);
      this.fds.delete(oldest);
    }
    fd = fs.openSync(file, 'a');
    this.fds.set(id, fd);
    return fd;
  }

  /** Before an action's outcome is recorded: its lines still held (see HOLD_MS) are written now, in the outcome's transaction. */
  settle(_id: string) {
    if (this.chunks?.usable) this.chunks.flush();
  }

  /** At stop: closes every log file; a build still printing appends without holding the file open. */
  close() {
    this.stopped = true;
    this.chunks?.flush();
    this.closeFiles();
  }

  private closeFiles() {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  /** Deletes the logs of action executions that are gone (history past its retention). */
  remove(ids: string[]) {
    this.removeHeld(ids);
    this.removeFiles(ids);
  }

  /**
   * Deletes the short logs the database holds for these action executions: in its own commit, or
   * inside the caller's transaction (DeletePipeline's, which deletes the action executions: one commit).
   */
  removeHeld(ids: string[]) {
    // A store closed since: nothing left to delete there.
    if (this.chunks?.usable && ids.length) this.chunks.removeMany(ids);
  }

  /** Deletes the log files of these action executions (and what this process knows of them). */
  private removeFiles(ids: string[]) {
    for (const id of ids) {
      if (!LOG_ID.test(id)) continue;
      const fd = this.fds.get(id);
      if (fd !== undefined) fs.closeSync(fd);
      this.fds.delete(id);
      this.diskSizes.delete(id);
      this.openLine.delete(id);
      this.memory.delete(id);
      // A log this process kept in the database has no file (it gets one only by leaving the database).
      const held = this.heldSizes.delete(id);
      if (this.dir && !held) fs.rmSync(path.join(this.dir, `${id}.log`), { force: true });
    }
  }

  /**
   * The log files of action executions whose rows (and short logs: removeHeld) a committed transaction
   * deleted, a few hundred at a time, a turn of the event loop between (a deleted pipeline may have thousands).
   */
  removeFilesInBackground(ids: string[]) {
    if (!ids.length) return;
    this.removeFiles(ids.slice(0, 200));
    if (ids.length > 200) setImmediate(() => this.removeFilesInBackground(ids.slice(200)));
  }

  /** A new action execution (its row is being inserted): its log is empty, no need to look for one. */
  started(id: string) {
    if (this.chunks) this.heldSizes.set(id, 0);
  }

  /** Every log (for a snapshot), read synchronously. */
  all(): [string, Buffer][] {
    if (!this.dir) return [...this.memory].map(([id, text]) => [id, Buffer.from(text, 'utf8')]);
    const out: [string, Buffer][] = [];
    const files = new Set<string>();
    for (const id of this.fileIds()) {
      try {
        out.push([id, fs.readFileSync(path.join(this.dir, `${id}.log`))]);
        files.add(id);
      } catch {
        // Gone since the listing: not part of the state any more.
      }
    }
    if (this.chunks) for (const [id, body] of this.chunks.all()) if (!files.has(id)) out.push([id, body]);
    return out;
  }

  /** The ids of the logs that have a file. */
  private fileIds(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir!);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.log') && LOG_ID.test(n.slice(0, -'.log'.length))).map((n) => n.slice(0, -'.log'.length));
  }

  /** Replaces every log with `logs` (a restore; none for a reset). */
  replaceAll(logs: [string, Uint8Array][]) {
    this.closeFiles();
    this.dirMade = false;
    this.openLine.clear();
    this.diskSizes.clear();
    this.heldSizes.clear();
    this.memory.clear();
    if (this.dir) {
      for (const id of this.fileIds()) fs.rmSync(path.join(this.dir, `${id}.log`), { force: true });
      this.chunks?.clear();
      if (logs.length) fs.mkdirSync(this.dir, { recursive: true });
    }
    for (const [id, body] of logs) {
      if (!LOG_ID.test(id)) continue;
      if (this.chunks && body.length <= SMALL_LOG_BYTES) this.chunks.append(id, Buffer.from(body));
      else if (this.dir) fs.writeFileSync(path.join(this.dir, `${id}.log`), body);
      else this.memory.set(id, Buffer.from(body).toString('utf8'));
    }
    this.chunks?.flush();
  }

  /**
   * The log as it is now, in pieces of at most 256 KiB read one at a time (a log may be 64 MiB:
   * never one string), with its size in bytes; undefined when the action never wrote one.
   */
  open(id: string): { size: number; chunks: AsyncIterable<Buffer> } | undefined {
    if (!LOG_ID.test(id)) return undefined;
    if (!this.dir) {
      const text = this.memory.get(id);
      if (text === undefined) return undefined;
      const bytes = Buffer.from(text, 'utf8');
      const chunks = async function* () {
        for (let at = 0; at < bytes.length; at += READ_CHUNK) yield bytes.subarray(at, at + READ_CHUNK);
      };
      return { size: bytes.length, chunks: chunks() };
    }
    const file = path.join(this.dir, `${id}.log`);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      const held = this.chunks?.usable ? this.chunks.read(id) : undefined;
      if (!held) return undefined;
      return { size: held.length, chunks: (async function* () { yield held; })() };
    }
    // Only what is there now (a build still running goes on appending); the file is opened on the
    // first read, so a response nobody reads (HEAD) holds no file open.
    const chunks = async function* () {
      if (size) yield* fs.createReadStream(file, { start: 0, end: size - 1, highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
    };
    return { size, chunks: chunks() };
  }

  /** The whole log, or undefined when the action never wrote one. */
  read(id: string): string | undefined {
    if (!LOG_ID.test(id)) return undefined;
    if (!this.dir) return this.memory.get(id);
    try {
      return fs.readFileSync(path.join(this.dir, `${id}.log`), 'utf8');
    } catch {
      return this.chunks?.usable ? this.chunks.read(id)?.toString('utf8') : undefined;
    }
  }
}

function fileSize(file: string): number {
  return fileSizeOrUndefined(file) ?? 0;
}

function fileSizeOrUndefined(file: string): number | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.size;
  } catch {
    return undefined;
  }
}

/** What an action's log is written with: the engine's log store and clock (the engine, in practice). */
export interface LogWriter {
  logs: ActionLogs;
  clock: Clock;
}

export interface ActionLog {
  /** Appends raw text (a command's exact output, in the pieces it comes in). */
  write(text: string): void;
  /** Appends one line, CodeBuild-style: "[Container] 2024/01/31 12:00:00.000000 <message>". */
  container(message: string): void;
  /** Appends one line of a provider other than a build: "2024/01/31 12:00:00.000000 <message>" (each line of a multi-line message). */
  note(message: string): void;
  /** The output stream ended: writes what was held back in case it began a secret. */
  flush(): void;
}

/** UTC "YYYY/MM/DD HH:MM:SS.ffffff", the timestamp CodeBuild puts on its own log lines. */
export function containerTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10).replace(/-/g, '/')} ${iso.slice(11, 23)}000`;
}

/**
 * The log of one action execution; `mask` hides secret values wherever they appear, also when
 * command output splits one across writes (a line of our own first ends the output before it).
 */
export function actionLog(engine: LogWriter, actionExecutionId: string, mask: string[] = []): ActionLog {
  const logs = engine.logs;
  const masker = new SecretMasker(mask);
  const flush = () => logs.append(actionExecutionId, masker.end());
  return {
    write: (text) => logs.append(actionExecutionId, masker.push(text)),
    container: (message) => {
      flush();
      logs.appendLine(actionExecutionId, `[Container] ${containerTimestamp(engine.clock.now())} ${masker.maskWhole(message)}`);
    },
    note: (message) => {
      flush();
      const at = containerTimestamp(engine.clock.now());
      logs.appendLine(actionExecutionId, masker.maskWhole(message).split('\n').map((l) => `${at} ${l}`).join('\n'));
    },
    flush,
  };
}

/** "1 byte", "2,048 bytes": sizes as the logs show them. */
export const byteCount = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

/** The URL that serves an action's log (externalExecutionUrl). */
export const actionLogUrl = (engine: { baseUrl: string }, actionExecutionId: string) => `${engine.baseUrl}/_logs/${actionExecutionId}`;

const LOG_URL = /^https?:\/\/[^/]+(\/_logs\/[0-9a-f-]{36}(?:\?.*)?)$/;

/**
 * A stored local log URL as seen from the current request: the emulator may have restarted on
 * another port, or the client may reach it under another host name. Other URLs are left alone.
 */
export function logUrlFor(url: string | undefined, baseUrl: string, sign?: (url: string) => string): string | undefined {
  const m = url ? LOG_URL.exec(url) : null;
  if (!m) return url;
  // Signatures verified: the link carries a presigned query made with the caller's key.
  return sign ? sign(`${baseUrl}${m[1]}`) : `${baseUrl}${m[1]}`;
}
