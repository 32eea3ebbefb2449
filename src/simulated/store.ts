// Simulated AWS resources that deploy and invoke actions leave behind: CloudFormation stacks (with
// their template, parameters, status, outputs, change sets and events), deployments of CodeDeploy,
// ECS, Elastic Beanstalk, AppConfig and the other deploy providers, and Step Functions executions.
// One JSON document per resource, keyed by account, region, kind and name.
import type { Db } from '../store/db.js';
import type { Scope } from '../store/scope.js';

export type SimulatedKind = 'cloudformation-stack' | 'deployment' | 'stepfunctions-execution' | 'events-rule' | 'lambda-function';

export interface SimulatedRecord<T> {
  account: string;
  region: string;
  kind: SimulatedKind;
  name: string;
  document: T;
  created: number;
  updated: number;
}

function fromRaw<T>(r: any): SimulatedRecord<T> {
  return { account: r.account, region: r.region, kind: r.kind, name: r.name, document: JSON.parse(r.document) as T, created: r.created, updated: r.updated };
}

export class SimulatedStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT * FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
      put: db.prepare(
        `INSERT INTO simulated_resources (account, region, kind, name, document, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, kind, name) DO UPDATE SET document = excluded.document, updated = excluded.updated`,
      ),
      list: db.prepare('SELECT * FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? ORDER BY updated DESC, rowid DESC'),
      remove: db.prepare('DELETE FROM simulated_resources WHERE account = ? AND region = ? AND kind = ? AND name = ?'),
      listKind: db.prepare('SELECT * FROM simulated_resources WHERE kind = ? ORDER BY rowid'),
    };
  }

  get<T>(s: Scope, kind: SimulatedKind, name: string): SimulatedRecord<T> | undefined {
    const r = this.s.get.get(s.account, s.region, kind, name);
    return r ? fromRaw<T>(r) : undefined;
  }

  put(s: Scope, kind: SimulatedKind, name: string, document: unknown, now: number) {
    this.s.put.run(s.account, s.region, kind, name, JSON.stringify(document), now, now);
  }

  remove(s: Scope, kind: SimulatedKind, name: string) {
    this.s.remove.run(s.account, s.region, kind, name);
  }

  /** Every resource of a kind in every account and region (e.g. stacks to recover at start). */
  listKind<T>(kind: SimulatedKind): SimulatedRecord<T>[] {
    return this.s.listKind.all(kind).map((r) => fromRaw<T>(r));
  }

  /** Every resource of a kind in the scope, most recently updated first. */
  list<T>(s: Scope, kind: SimulatedKind): SimulatedRecord<T>[] {
    return this.s.list.all(s.account, s.region, kind).map((r) => fromRaw<T>(r));
  }
}
