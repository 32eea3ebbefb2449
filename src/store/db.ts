// The SQLite store: opened once, WAL, migrations applied in order inside a transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

export type Db = Database.Database;

export const DB_FILE = 'codepipeline-local.sqlite';

export function openDb(opts: { inMemory: boolean; dataDir: string }): { db: Db; location: string } {
  let location = ':memory:';
  if (!opts.inMemory) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    location = path.join(opts.dataDir, DB_FILE);
  }
  const db = new Database(location);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return { db, location };
}

function migrate(db: Db) {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
