// What identifies a schema: the statements that create it (its sqlite_master, in the order SQLite
// recorded them), and the digest of the migrations that built it (for src/store/schema.ts).
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The CREATE statements of every table, index, view and trigger, SQLite's own (sqlite_%) left out. */
export function schemaStatements(db: Database.Database): string[] {
  return db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid").pluck().all() as string[];
}

export function migrationsDigest(migrations: readonly string[]): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(`${m.length}:${m}`);
  return h.digest('hex');
}
