// Action types an account owns: Custom ones (CreateCustomActionType) and ThirdParty ones registered
// by an integrator (AWS has no public API for that; embedders seed them with `create`). Deleted
// versions stay, marked, so that they cannot be created again with another definition, as AWS forbids.
import type { StoredActionType } from '../services/codepipeline/catalog/convert.js';
import type { Db } from './db.js';
import type { Scope } from './scope.js';

/** An action type's identity: ActionTypeId or ActionTypeIdentifier. */
export interface ActionTypeKey {
  category?: string;
  owner?: string;
  provider?: string;
  version?: string;
}

export interface ActionTypeRow {
  stored: StoredActionType;
  deleted: boolean;
  created: number;
  updated: number;
}

interface RawRow {
  declaration: string;
  deleted: number;
  created: number;
  updated: number;
}

const fromRaw = (r: RawRow): ActionTypeRow => ({
  stored: JSON.parse(r.declaration),
  deleted: r.deleted === 1,
  created: r.created,
  updated: r.updated,
});

type IdArgs = [string, string, string, string, string, string];
const idArgs = (s: Scope, id: ActionTypeKey): IdArgs => [s.account, s.region, id.category!, id.owner!, id.provider!, id.version!];
const ID_WHERE = 'account = ? AND region = ? AND category = ? AND owner = ? AND provider = ? AND version = ?';

export class ActionTypeStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly listStmt;
  private readonly countStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<IdArgs, RawRow>(`SELECT declaration, deleted, created, updated FROM action_types WHERE ${ID_WHERE}`);
    this.upsertStmt = db.prepare(
      `INSERT INTO action_types (account, region, category, owner, provider, version, declaration, deleted, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (account, region, category, owner, provider, version)
       DO UPDATE SET declaration = excluded.declaration, deleted = 0, updated = excluded.updated`,
    );
    this.updateStmt = db.prepare(`UPDATE action_types SET declaration = ?, updated = ? WHERE ${ID_WHERE} AND deleted = 0`);
    this.deleteStmt = db.prepare(`UPDATE action_types SET deleted = 1, updated = ? WHERE ${ID_WHERE} AND deleted = 0`);
    this.listStmt = db.prepare<[string, string, string], RawRow>(
      `SELECT declaration, deleted, created, updated FROM action_types
        WHERE account = ? AND region = ? AND owner = ? AND deleted = 0 ORDER BY category, provider, version`,
    );
    this.countStmt = db.prepare<[string, string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM action_types WHERE account = ? AND region = ? AND owner = ? AND deleted = 0',
    );
  }

  /** The action type, deleted or not. */
  get(s: Scope, id: ActionTypeKey): ActionTypeRow | undefined {
    const r = this.getStmt.get(...idArgs(s, id));
    return r && fromRaw(r);
  }

  /** Live action types of one owner, ordered by category, provider and version. */
  list(s: Scope, owner: string): ActionTypeRow[] {
    return this.listStmt.all(s.account, s.region, owner).map(fromRaw);
  }

  count(s: Scope, owner: string): number {
    return this.countStmt.get(s.account, s.region, owner)!.n;
  }

  /** Creates the action type, or brings a deleted one back. The caller decides whether that is allowed. */
  create(s: Scope, stored: StoredActionType, now: number) {
    this.upsertStmt.run(...idArgs(s, stored.type.id!), JSON.stringify(stored), now, now);
  }

  update(s: Scope, stored: StoredActionType, now: number): boolean {
    return this.updateStmt.run(JSON.stringify(stored), now, ...idArgs(s, stored.type.id!)).changes > 0;
  }

  markDeleted(s: Scope, id: ActionTypeKey, now: number): boolean {
    return this.deleteStmt.run(now, ...idArgs(s, id)).changes > 0;
  }
}
