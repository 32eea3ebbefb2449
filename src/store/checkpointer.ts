// WAL checkpoints off the event loop. A checkpoint copies the write-ahead log into the database file
// and fsyncs both: tens of milliseconds on a busy disk, which SQLite's automatic checkpoint spends
// inside whichever commit crosses the threshold (a request then waits for it). A worker thread with
// its own connection checkpoints (PASSIVE: it never blocks writers or readers) a few times a second;
// the request thread's automatic checkpoint stays, at a higher threshold, as the bound on the log's
// size should the worker fall behind. Durability is unchanged: a commit is in the WAL before it is
// answered, whoever copies it later.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** How often the worker checkpoints (ms). */
const EVERY_MS = 200;
/** Pages in the WAL after which a commit of the request thread checkpoints itself (SQLite's default: 1000). */
const FALLBACK_PAGES = 8000;

// CommonJS run with `eval`: no file to find next to this module, whether it runs from src/ or dist/.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round */ } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); try { db.close(); } catch {} parentPort.close(); });
`;

/** The worker starts this long after the store opens: start-up is not slowed by a second thread loading SQLite. */
const START_DELAY_MS = 500;

export class Checkpointer {
  private worker: Worker | undefined;
  private readonly startTimer: NodeJS.Timeout;

  /** Checkpoints `file` (the database `db` has open in WAL mode) from a worker thread, soon. */
  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {
    this.startTimer = setTimeout(() => this.start(), START_DELAY_MS);
    this.startTimer.unref();
  }

  private start() {
    if (!this.db.open) return;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file: this.file, sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: EVERY_MS },
      });
      worker.unref();
      // A worker that cannot run leaves checkpoints to SQLite's automatic ones, as before.
      worker.on('error', () => this.restoreAuto());
      this.worker = worker;
      this.db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
    } catch {
      this.restoreAuto();
    }
  }

  private restoreAuto() {
    this.worker = undefined;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** Before the request thread's connection closes (its close checkpoints what is left). */
  stop() {
    clearTimeout(this.startTimer);
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }
}
