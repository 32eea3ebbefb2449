// Tags of any taggable resource, keyed by ARN, kept in the order they were first added.
import type { Tag } from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';

export class TagStore {
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly deleteAllStmt;
  private readonly maxPosStmt;

  constructor(db: Db) {
    this.listStmt = db.prepare<[string], Tag>('SELECT key, value FROM tags WHERE arn = ? ORDER BY position');
    this.upsertStmt = db.prepare(
      `INSERT INTO tags (arn, key, value, position) VALUES (?, ?, ?, ?)
       ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`,
    );
    this.deleteStmt = db.prepare('DELETE FROM tags WHERE arn = ? AND key = ?');
    this.deleteAllStmt = db.prepare('DELETE FROM tags WHERE arn = ?');
    this.maxPosStmt = db.prepare<[string], { p: number | null }>('SELECT MAX(position) AS p FROM tags WHERE arn = ?');
  }

  list(arn: string): Tag[] {
    return this.listStmt.all(arn).map((t) => ({ key: t.key, value: t.value }));
  }

  put(arn: string, tags: Tag[]) {
    let pos = (this.maxPosStmt.get(arn)!.p ?? 0) + 1;
    for (const t of tags) this.upsertStmt.run(arn, t.key, t.value, pos++);
  }

  remove(arn: string, keys: string[]) {
    for (const k of keys) this.deleteStmt.run(arn, k);
  }

  removeAll(arn: string) {
    this.deleteAllStmt.run(arn);
  }
}
