// Webhooks per account and region. The definition is stored as given, SecretToken included (the
// trigger receiver needs it); the API redacts it in every response.
import type { WebhookDefinition } from '@aws-sdk/client-codepipeline';
import type { Db } from './db.js';
import type { Scope } from './scope.js';

export interface WebhookRow {
  name: string;
  arn: string;
  url: string;
  definition: WebhookDefinition;
  registered: boolean;
  errorMessage: string | null;
  errorCode: string | null;
  lastTriggered: number | null;
  created: number;
}

interface RawRow {
  name: string;
  arn: string;
  url: string;
  definition: string;
  registered: number;
  errorMessage: string | null;
  errorCode: string | null;
  lastTriggered: number | null;
  created: number;
}

const COLUMNS = `name, arn, url, definition, registered,
  error_message AS errorMessage, error_code AS errorCode, last_triggered AS lastTriggered, created`;

const fromRaw = (r: RawRow): WebhookRow => ({ ...r, definition: JSON.parse(r.definition), registered: r.registered === 1 });

export class WebhookStore {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly updateDefinitionStmt;
  private readonly setRegisteredStmt;
  private readonly deleteStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly byUrlSuffixStmt;
  private readonly touchStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string, string], RawRow>(
      `SELECT ${COLUMNS} FROM webhooks WHERE account = ? AND region = ? AND name = ?`,
    );
    this.insertStmt = db.prepare(
      'INSERT INTO webhooks (account, region, name, arn, url, definition, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateDefinitionStmt = db.prepare('UPDATE webhooks SET definition = ? WHERE account = ? AND region = ? AND name = ?');
    this.setRegisteredStmt = db.prepare('UPDATE webhooks SET registered = ? WHERE account = ? AND region = ? AND name = ?');
    this.deleteStmt = db.prepare('DELETE FROM webhooks WHERE account = ? AND region = ? AND name = ?');
    this.listStmt = db.prepare<[string, string, string, number], RawRow>(
      `SELECT ${COLUMNS} FROM webhooks WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
    );
    this.countStmt = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM webhooks WHERE account = ? AND region = ?');
    // The stored URL carries the host the creating client used: match on its path and token.
    this.byUrlSuffixStmt = db.prepare<[{ suffix: string }], { account: string; region: string; name: string }>(
      'SELECT account, region, name FROM webhooks WHERE substr(url, -length(@suffix)) = @suffix LIMIT 1',
    );
    this.touchStmt = db.prepare('UPDATE webhooks SET last_triggered = ? WHERE account = ? AND region = ? AND name = ?');
  }

  /** The webhook whose URL ends with `suffix` (its path and token), wherever it lives. */
  findByUrlSuffix(suffix: string): { account: string; region: string; name: string } | undefined {
    return this.byUrlSuffixStmt.get({ suffix });
  }

  touchTriggered(s: Scope, name: string, at: number) {
    this.touchStmt.run(at, s.account, s.region, name);
  }

  get(s: Scope, name: string): WebhookRow | undefined {
    const r = this.getStmt.get(s.account, s.region, name);
    return r && fromRaw(r);
  }

  count(s: Scope): number {
    return this.countStmt.get(s.account, s.region)!.n;
  }

  create(s: Scope, w: { arn: string; url: string; definition: WebhookDefinition }, now: number) {
    this.insertStmt.run(s.account, s.region, w.definition.name, w.arn, w.url, JSON.stringify(w.definition), now);
  }

  /** Replaces the definition; the URL, ARN, registration and trigger history stay. */
  updateDefinition(s: Scope, definition: WebhookDefinition) {
    this.updateDefinitionStmt.run(JSON.stringify(definition), s.account, s.region, definition.name);
  }

  /** Returns false when the webhook does not exist. */
  setRegistered(s: Scope, name: string, registered: boolean): boolean {
    return this.setRegisteredStmt.run(registered ? 1 : 0, s.account, s.region, name).changes > 0;
  }

  delete(s: Scope, name: string): boolean {
    return this.deleteStmt.run(s.account, s.region, name).changes > 0;
  }

  /** Webhooks ordered by name, strictly after `after`. */
  list(s: Scope, after: string, limit: number): WebhookRow[] {
    return this.listStmt.all(s.account, s.region, after, limit).map(fromRaw);
  }
}
