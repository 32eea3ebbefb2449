// The SSM parameter store: String, StringList and SecureString parameters per account and region,
// every version kept (up to AWS's 100), durable in the store (migration 9). The SSM API
// (src/services/ssm/), CodeBuild's PARAMETER_STORE variables and the stack engine's SSM parameter
// types all read it. SecureString values are stored as given: nothing here leaves the machine, and
// "encryption" only decides what an answer shows (see ciphertextOf).
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Scope } from '../store/scope.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

/** One version of a parameter. */
export interface ParameterVersion {
  name: string;
  version: number;
  type: ParameterType;
  value: string;
  modified: number;
  description?: string;
  allowedPattern?: string;
  keyId?: string;
  tier: string;
  dataType: string;
  labels: string[];
  tags?: { Key: string; Value: string }[];
}

/** AWS keeps the last 100 versions of a parameter. */
export const MAX_VERSIONS = 100;

/** The KMS key a SecureString uses when none is named. */
export const DEFAULT_KEY_ID = 'alias/aws/ssm';

interface Row {
  name: string;
  version: number;
  type: string;
  value: string;
  document: string;
  modified: number;
}

type Extra = Omit<ParameterVersion, 'name' | 'version' | 'type' | 'value' | 'modified'>;

function fromRow(r: Row): ParameterVersion {
  const extra = JSON.parse(r.document) as Extra;
  return { name: r.name, version: r.version, type: r.type as ParameterType, value: r.value, modified: r.modified, ...extra };
}

/** The ARN of a parameter: a name that is a path keeps one slash (parameter/a/b), a plain name gets one (parameter/a). */
export const parameterArn = (scope: Scope, name: string) => `arn:aws:ssm:${scope.region}:${scope.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

/**
 * What an answer shows of a SecureString read without decryption: an opaque, stable blob standing for
 * the ciphertext (it never contains the value).
 */
export function ciphertextOf(p: ParameterVersion): string {
  const digest = createHash('sha256').update(`${p.name}\u0000${p.version}\u0000${p.value}`).digest();
  return Buffer.concat([Buffer.from([1, 2, 2, 0, 120]), digest, createHash('sha256').update(digest).digest()]).toString('base64');
}

export class ParameterStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      latest: db.prepare<[string, string, string], Row>(
        'SELECT name, version, type, value, document, modified FROM ssm_parameters WHERE account = ? AND region = ? AND name = ? ORDER BY version DESC LIMIT 1',
      ),
      version: db.prepare<[string, string, string, number], Row>(
        'SELECT name, version, type, value, document, modified FROM ssm_parameters WHERE account = ? AND region = ? AND name = ? AND version = ?',
      ),
      versions: db.prepare<[string, string, string], Row>(
        'SELECT name, version, type, value, document, modified FROM ssm_parameters WHERE account = ? AND region = ? AND name = ? ORDER BY version',
      ),
      all: db.prepare<[string, string], Row>(
        `SELECT p.name, p.version, p.type, p.value, p.document, p.modified FROM ssm_parameters p
         WHERE p.account = ? AND p.region = ? AND p.version = (SELECT MAX(version) FROM ssm_parameters q WHERE q.account = p.account AND q.region = p.region AND q.name = p.name)
         ORDER BY p.name`,
      ),
      insert: db.prepare('INSERT INTO ssm_parameters (account, region, name, version, type, value, document, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM ssm_parameters WHERE account = ? AND region = ? AND name = ? AND version <= ?'),
      remove: db.prepare('DELETE FROM ssm_parameters WHERE account = ? AND region = ? AND name = ?'),
      setDocument: db.prepare('UPDATE ssm_parameters SET document = ? WHERE account = ? AND region = ? AND name = ? AND version = ?'),
    };
  }

  /** The parameter's latest version, or one version of it. */
  get(scope: Scope, name: string, version?: number): ParameterVersion | undefined {
    const r = version === undefined ? this.s.latest.get(scope.account, scope.region, name) : this.s.version.get(scope.account, scope.region, name, version);
    return r && fromRow(r);
  }

  /** Every kept version, oldest first. */
  history(scope: Scope, name: string): ParameterVersion[] {
    return this.s.versions.all(scope.account, scope.region, name).map(fromRow);
  }

  /** The latest version of every parameter of the scope, ordered by name. */
  list(scope: Scope): ParameterVersion[] {
    return this.s.all.all(scope.account, scope.region).map(fromRow);
  }

  /** Writes a new version (1 for a new parameter); returns it. Call inside a transaction when read-modify-write matters. */
  put(scope: Scope, p: Omit<ParameterVersion, 'version' | 'labels'> & { labels?: string[] }): ParameterVersion {
    const previous = this.get(scope, p.name);
    const version = (previous?.version ?? 0) + 1;
    const stored: ParameterVersion = { ...p, version, labels: p.labels ?? [] };
    const { name, type, value, modified, ...extra } = stored;
    delete (extra as Partial<ParameterVersion>).version;
    this.s.insert.run(scope.account, scope.region, name, version, type, value, JSON.stringify(extra), modified);
    if (version > MAX_VERSIONS) this.s.prune.run(scope.account, scope.region, name, version - MAX_VERSIONS);
    return stored;
  }

  /**
   * Sets the labels of one version: `add` move to it from any other version of the parameter, `remove`
   * leave it. Call inside a transaction.
   */
  relabel(scope: Scope, name: string, version: number, add: string[], remove: string[] = []): void {
    for (const v of this.history(scope, name)) {
      const labels = v.version === version ? [...new Set([...v.labels.filter((l) => !remove.includes(l)), ...add])] : v.labels.filter((l) => !add.includes(l));
      if (labels.length === v.labels.length && labels.every((l, i) => l === v.labels[i])) continue;
      const { name: _n, version: _v, type: _t, value: _val, modified: _m, ...extra } = { ...v, labels };
      this.s.setDocument.run(JSON.stringify(extra), scope.account, scope.region, name, v.version);
    }
  }

  /** Removes the parameter with all its versions; false when there was none. */
  delete(scope: Scope, name: string): boolean {
    return this.s.remove.run(scope.account, scope.region, name).changes > 0;
  }
}

/** What the stack engine reads for SSM parameter types: the latest value of a parameter, or undefined. */
export type ParameterLookup = (scope: Scope, name: string) => string | undefined;

export const parameterLookup =
  (parameters: ParameterStore): ParameterLookup =>
  (scope, name) =>
    parameters.get(scope, name)?.value;
