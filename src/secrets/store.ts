// A small secrets store, shaped like Secrets Manager's: secrets per account and region, found by name
// or ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>, or that ARN
// without its suffix), each with versions labelled by staging labels (AWSCURRENT, AWSPREVIOUS).
// CodeBuild's SECRETS_MANAGER variables and AWS::SecretsManager::Secret use it; there is no Secrets
// Manager API over it yet. Durable in the store (migration 9).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Scope } from '../store/scope.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';

export interface SecretVersion {
  id: string;
  /** The SecretString, or the SecretBinary as base64 (binary: true). */
  value: string;
  binary?: boolean;
  stages: string[];
  created: number;
}

export interface Secret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags?: { Key: string; Value: string }[];
  versions: SecretVersion[];
  created: number;
  updated: number;
  /** When DeleteSecret scheduled its deletion (it is then refused by every operation but Describe/Restore). */
  deletedDate?: number;
  /** When the scheduled deletion takes effect. */
  deletionDate?: number;
}

interface Row {
  name: string;
  arn: string;
  document: string;
  created: number;
  updated: number;
}

const fromRow = (r: Row): Secret => ({ ...(JSON.parse(r.document) as Omit<Secret, 'name' | 'arn' | 'created' | 'updated'>), name: r.name, arn: r.arn, created: r.created, updated: r.updated });

const SUFFIX_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Secrets Manager's ARN: the name and a random 6-character suffix. */
export function newSecretArn(scope: Scope, name: string): string {
  const suffix = [...randomBytes(6)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');
  return `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${name}-${suffix}`;
}

/** Why a secret reference could not be resolved, in words a build log can show. */
export class SecretLookupError extends Error {}

export class SecretStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      byName: db.prepare<[string, string, string], Row>('SELECT name, arn, document, created, updated FROM secrets WHERE account = ? AND region = ? AND name = ?'),
      byArn: db.prepare<[string], Row>('SELECT name, arn, document, created, updated FROM secrets WHERE arn = ?'),
      put: db.prepare(
        `INSERT INTO secrets (account, region, name, arn, document, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET document = excluded.document, updated = excluded.updated`,
      ),
      remove: db.prepare('DELETE FROM secrets WHERE account = ? AND region = ? AND name = ?'),
      all: db.prepare<[string, string], Row>('SELECT name, arn, document, created, updated FROM secrets WHERE account = ? AND region = ? ORDER BY name'),
    };
  }

  /** A secret by name, full ARN, or ARN without the random suffix (CodeBuild and IAM policies accept both). */
  find(scope: Scope, id: string): Secret | undefined {
    if (!id.startsWith('arn:')) {
      const r = this.s.byName.get(scope.account, scope.region, id);
      return r && fromRow(r);
    }
    const exact = this.s.byArn.get(id);
    if (exact) return fromRow(exact);
    const m = /^arn:[^:]+:secretsmanager:([^:]*):(\d{12}):secret:(.+)$/.exec(id);
    if (!m) return undefined;
    const r = this.s.byName.get(m[2], m[1], m[3]);
    return r && fromRow(r);
  }

  /** Creates a secret with its first version (AWSCURRENT). Throws when the name is taken (the caller words the error). */
  create(
    scope: Scope,
    name: string,
    value: string | undefined,
    now: number,
    opts: { description?: string; kmsKeyId?: string; tags?: Secret['tags']; versionId?: string; binary?: boolean } = {},
  ): Secret {
    if (this.find(scope, name)) throw new SecretLookupError(`The operation failed because the secret ${name} already exists.`);
    const { versionId, binary, ...rest } = opts;
    const secret: Secret = {
      name,
      arn: newSecretArn(scope, name),
      ...rest,
      // No value: a secret without versions (CreateSecret allows it).
      versions: value === undefined ? [] : [{ id: versionId ?? randomUUID(), value, ...(binary && { binary }), stages: [CURRENT], created: now }],
      created: now,
      updated: now,
    };
    this.save(scope, secret);
    return secret;
  }

  /**
   * A new version with `stages` (AWSCURRENT by default): a label moves to it from the version that had
   * it, and when AWSCURRENT moves, the version that had it becomes AWSPREVIOUS; versions left without a
   * label are dropped.
   */
  putValue(scope: Scope, id: string, value: string, now: number, opts: { versionId?: string; stages?: string[]; binary?: boolean } = {}): SecretVersion {
    const secret = this.find(scope, id);
    if (!secret) throw new SecretLookupError(`Secrets Manager can't find the specified secret.`);
    const stages = opts.stages?.length ? [...new Set(opts.stages)] : [CURRENT];
    const version: SecretVersion = { id: opts.versionId ?? randomUUID(), value, ...(opts.binary && { binary: true }), stages, created: now };
    const movesCurrent = stages.includes(CURRENT);
    const versions = secret.versions
      .map((v) => {
        let kept = v.stages.filter((s) => !stages.includes(s));
        if (movesCurrent) kept = v.stages.includes(CURRENT) ? [...kept.filter((s) => s !== PREVIOUS), PREVIOUS] : kept.filter((s) => s !== PREVIOUS);
        return { ...v, stages: kept };
      })
      .filter((v) => v.stages.length > 0);
    this.save(scope, { ...secret, versions: [...versions, version], updated: now });
    return version;
  }

  /** Every secret of the scope, ordered by name. */
  list(scope: Scope): Secret[] {
    return this.s.all.all(scope.account, scope.region).map(fromRow);
  }

  /** DeleteSecret with a recovery window: the secret stays, refused by most operations, until RestoreSecret. */
  scheduleDeletion(scope: Scope, id: string, now: number, deletionDate: number): Secret | undefined {
    const secret = this.find(scope, id);
    if (!secret) return undefined;
    const marked = { ...secret, deletedDate: secret.deletedDate ?? now, deletionDate: secret.deletionDate ?? deletionDate };
    this.save(scope, marked);
    return marked;
  }

  /** RestoreSecret: the scheduled deletion is cancelled. */
  restore(scope: Scope, id: string, now: number): Secret | undefined {
    const secret = this.find(scope, id);
    if (!secret) return undefined;
    const { deletedDate: _d, deletionDate: _dd, ...rest } = secret;
    this.save(scope, { ...rest, updated: now });
    return rest as Secret;
  }

  /** Changes what a secret describes (not its value). */
  update(scope: Scope, id: string, change: Partial<Pick<Secret, 'description' | 'kmsKeyId' | 'tags'>>, now: number): void {
    const secret = this.find(scope, id);
    if (secret) this.save(scope, { ...secret, ...change, updated: now });
  }

  delete(scope: Scope, id: string): boolean {
    const secret = this.find(scope, id);
    if (!secret) return false;
    const { account, region } = scopeOfArn(secret.arn) ?? scope;
    return this.s.remove.run(account, region, secret.name).changes > 0;
  }

  /** The value of a version: by id, else by staging label (AWSCURRENT by default). */
  value(scope: Scope, id: string, stage?: string, versionId?: string): string {
    return this.version(scope, id, stage, versionId).value;
  }

  /** A version: by id, else by staging label (AWSCURRENT by default); a secret marked for deletion has none. */
  version(scope: Scope, id: string, stage?: string, versionId?: string): SecretVersion {
    const secret = this.find(scope, id);
    if (!secret) throw new SecretLookupError(`Secrets Manager can't find the specified secret.`);
    if (secret.deletedDate !== undefined) throw new SecretLookupError("You can't perform this operation on the secret because it was marked for deletion.");
    const version = versionId ? secret.versions.find((v) => v.id === versionId) : secret.versions.find((v) => v.stages.includes(stage || CURRENT));
    if (!version)
      throw new SecretLookupError(
        versionId ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}` : `Secrets Manager can't find the specified secret value for staging label: ${stage || CURRENT}`,
      );
    if (stage && versionId && !version.stages.includes(stage))
      throw new SecretLookupError(`Secrets Manager can't find the specified secret value for VersionId: ${versionId} and staging label: ${stage}`);
    return version;
  }

  /**
   * A reference as CodeBuild takes it: secret-id:json-key:version-stage:version-id, each part after the
   * id optional (empty parts allowed); secret-id is a name or an ARN (whose own colons are kept).
   */
  resolve(scope: Scope, reference: string): string {
    const parts = reference.split(':');
    const idParts = reference.startsWith('arn:') ? 7 : 1;
    const secretId = parts.slice(0, idParts).join(':');
    const [jsonKey, stage, versionId] = parts.slice(idParts);
    let raw: string;
    try {
      raw = this.value(scope, secretId, stage || undefined, versionId || undefined);
    } catch (e) {
      if (e instanceof SecretLookupError) throw new SecretLookupError(`Secrets Manager secret '${secretId}': ${e.message}`);
      throw e;
    }
    if (!jsonKey) return raw;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      throw new SecretLookupError(`Secrets Manager secret '${secretId}' is not JSON, so it has no key '${jsonKey}'`);
    }
    const value = typeof doc === 'object' && doc !== null && Object.hasOwn(doc, jsonKey) ? (doc as Record<string, unknown>)[jsonKey] : undefined;
    if (value === undefined) throw new SecretLookupError(`Secrets Manager secret '${secretId}' has no JSON key '${jsonKey}'`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  private save(scope: Scope, secret: Secret) {
    const { name, arn, created, updated, ...doc } = secret;
    this.s.put.run(scope.account, scope.region, name, arn, JSON.stringify(doc), created, updated);
  }
}

function scopeOfArn(arn: string): Scope | undefined {
  const m = /^arn:[^:]+:secretsmanager:([^:]*):(\d{12}):/.exec(arn);
  return m ? { region: m[1], account: m[2] } : undefined;
}
