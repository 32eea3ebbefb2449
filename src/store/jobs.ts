// Jobs handed to job workers (custom and third-party actions): queued until polled, then
// acknowledged with their nonce, then answered with a success or failure result; and the
// clientToken each third-party client was first answered with.
import type { ActionTypeId, JobData } from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';
import type { Scope } from './scope.js';

export type JobStatus = 'Created' | 'Queued' | 'Dispatched' | 'InProgress' | 'TimedOut' | 'Succeeded' | 'Failed';

export interface JobRow {
  id: string;
  account: string;
  region: string;
  actionExecutionId: string;
  actionTypeId: Required<Pick<ActionTypeId, 'category' | 'owner' | 'provider' | 'version'>>;
  status: JobStatus;
  nonce?: string;
  data: JobData;
  clientId?: string;
  created: number;
  updated: number;
}

function fromRaw(r: any): JobRow {
  return {
    id: r.id,
    account: r.account,
    region: r.region,
    actionExecutionId: r.action_execution_id,
    actionTypeId: { category: r.category, owner: r.owner, provider: r.provider, version: r.version },
    status: r.status,
    nonce: r.nonce ?? undefined,
    data: JSON.parse(r.data),
    clientId: r.client_id ?? undefined,
    created: r.created,
    updated: r.updated,
  };
}

export class JobStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO jobs (id, account, region, action_execution_id, category, owner, provider, version, status, nonce, data, client_id, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      // Only jobs of actions still running: a job outliving its action (stopped, cancelled) is never handed out.
      queued: db.prepare(
        `SELECT * FROM jobs WHERE account = ? AND region = ? AND category = ? AND owner = ? AND provider = ? AND version = ?
           AND status = 'Queued'
           AND EXISTS (SELECT 1 FROM action_executions a WHERE a.id = jobs.action_execution_id AND a.status = 'InProgress')
         ORDER BY created, rowid`,
      ),
      byAction: db.prepare('SELECT * FROM jobs WHERE action_execution_id = ? ORDER BY created DESC, rowid DESC'),
      setStatus: db.prepare('UPDATE jobs SET status = ?, nonce = COALESCE(?, nonce), updated = ? WHERE id = ?'),
      clientToken: db.prepare<[string], { token: string }>('SELECT client_token AS token FROM third_party_clients WHERE client_id = ?'),
      bindClient: db.prepare('INSERT INTO third_party_clients (client_id, client_token, created) VALUES (?, ?, ?)'),
    };
  }

  insert(j: JobRow) {
    const t = j.actionTypeId;
    this.s.insert.run(j.id, j.account, j.region, j.actionExecutionId, t.category, t.owner, t.provider, t.version, j.status,
      j.nonce ?? null, JSON.stringify(j.data), j.clientId ?? null, j.created, j.updated);
  }

  get(id: string): JobRow | undefined {
    const r = this.s.get.get(id);
    return r ? fromRaw(r) : undefined;
  }

  queued(s: Scope, t: JobRow['actionTypeId']): JobRow[] {
    return this.s.queued.all(s.account, s.region, t.category, t.owner, t.provider, t.version).map(fromRaw);
  }

  forAction(actionExecutionId: string): JobRow[] {
    return this.s.byAction.all(actionExecutionId).map(fromRaw);
  }

  setStatus(id: string, status: JobStatus, now: number, nonce?: string) {
    this.s.setStatus.run(status, nonce ?? null, now, id);
  }

  /** The clientToken bound to a third-party client, if one was seen. */
  clientToken(clientId: string): string | undefined {
    return this.s.clientToken.get(clientId)?.token;
  }

  bindClient(clientId: string, token: string, now: number) {
    this.s.bindClient.run(clientId, token, now);
  }
}
