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

/**
 * The worker starts after this many write transactions (a few hundred log pages, below SQLite's own
 * threshold): an emulator that is started and mostly read (a test run, an idle one) neither pays for
 * a second thread loading SQLite at start-up nor holds its memory (~8 MiB of RSS).
 */
const START_AFTER_WRITES = 50;

export class Checkpointer {
  private worker: Worker | undefined;
  private writes = 0;
  private stopped = false;

  /** Will checkpoint `file` (the database `db` has open in WAL mode) from a worker thread once writes come. */
  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {}

  /** One write transaction is about to run (Store.tx). */
  noteWrite() {
    if (++this.writes === START_AFTER_WRITES) this.start();
  }

  private start() {
    if (this.stopped || !this.db.open) return;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file: this.file, sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: EVERY_MS },
        // It holds a connection and a timer: a small heap is plenty.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
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
    this.stopped = true;
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }
}
