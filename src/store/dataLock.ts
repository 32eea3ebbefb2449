// One emulator per data folder. Node has no flock, so the lock is SQLite's: an exclusive transaction
// held for the process's lifetime on a tiny database <dataDir>/.lock. SQLite takes it with POSIX
// fcntl locks, which the operating system drops when the process dies (a SIGKILLed emulator leaves no
// stale lock). Who holds it (pid, endpoint) is written beside it, in .lock-holder, for the message a
// second instance prints and for the CLI's snapshot/restore, which talk to the running emulator.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = '.lock';
export const HOLDER_FILE = '.lock-holder';

export interface LockHolder {
  pid: number;
  /** http://host:port once the holder listens; absent while it starts (or for a CLI snapshot/restore). */
  endpoint?: string;
  since: string;
}

export interface DataLock {
  readonly dir: string;
  /** Records the holder's endpoint once it listens. */
  setEndpoint(endpoint: string): void;
  release(): void;
}

/** Folders locked by this process: fcntl locks belong to a process, so a second start() here needs its own check. */
const heldHere = new Set<string>();

/** The folder is in use by another emulator (or another start() in this process). */
export class DataFolderInUse extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who =
      holder?.pid === process.pid
        ? 'another emulator in this process'
        : `another codepipeline-local (pid ${holder?.pid ?? 'unknown'}${holder?.endpoint ? `, ${holder.endpoint}` : ''})`;
    super(
      `the data folder ${dir} is in use by ${who}. Two emulators on one folder would run the same work twice: ` +
        'stop that one, or start this one with another folder (--data-dir DIR) or with --in-memory',
    );
  }
}

export function readHolder(dir: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Takes the folder's lock (creating the folder), or throws DataFolderInUse. */
export function lockDataFolder(dataDir: string): DataLock {
  const dir = path.resolve(dataDir);
  if (heldHere.has(dir)) throw new DataFolderInUse(dir, readHolder(dir) ?? { pid: process.pid, since: '' });
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, LOCK_FILE), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataFolderInUse(dir, readHolder(dir));
    throw e;
  }
  heldHere.add(dir);
  const holder: LockHolder = { pid: process.pid, since: new Date().toISOString() };
  const write = () => fs.writeFileSync(path.join(dir, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
  write();
  let released = false;
  return {
    dir,
    setEndpoint(endpoint: string) {
      holder.endpoint = endpoint;
      write();
    },
    release() {
      if (released) return;
      released = true;
      fs.rmSync(path.join(dir, HOLDER_FILE), { force: true });
      db.close();
      heldHere.delete(dir);
    },
  };
}
