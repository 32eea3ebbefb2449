// The access keys a shared emulator accepts (--credentials FILE, env CODEPIPELINE_LOCAL_CREDENTIALS, a
// `credentials:` section of the local configuration, or start({ credentials })). When any are listed,
// every request must carry a valid SigV4 signature made with one of them.
//
// File formats: YAML or JSON, `credentials: [{accessKeyId, secretAccessKey, accountId?}]` (or the list
// alone); or the AWS shared-credentials INI format (`[profile]`, aws_access_key_id,
// aws_secret_access_key, optional aws_account_id), so ~/.aws/credentials can be reused as it is.
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import { lazyRequire } from '../util/lazyRequire.js';
import { DEFAULT_ACCOUNT } from './auth.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** The account the key acts in (12 digits). Default: the key itself when it is 12 digits, else 000000000000. */
  accountId?: string;
}

export class CredentialsError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys of a `credentials` value (a list of entries); `where` names it in error messages. */
export function parseAccessKeys(raw: unknown, where: string): AccessKey[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new CredentialsError(`${where}: credentials must be a list of {accessKeyId, secretAccessKey, accountId?}`);
  return raw.map((entry, i) => {
    const at = `${where}: credentials[${i}]`;
    if (!isObject(entry)) throw new CredentialsError(`${at} must be a mapping with accessKeyId and secretAccessKey`);
    const { accessKeyId, secretAccessKey, accountId } = entry;
    if (typeof accessKeyId !== 'string' || !/^[\x21-\x2e\x30-\x7e]{1,128}$/.test(accessKeyId))
      throw new CredentialsError(`${at}.accessKeyId must be a string of 1 to 128 printable characters without '/' or spaces`);
    if (typeof secretAccessKey !== 'string' || secretAccessKey === '') throw new CredentialsError(`${at}.secretAccessKey must be a non-empty string`);
    // A YAML number loses leading zeros: only a 12-digit one is taken.
    const account = typeof accountId === 'number' ? String(accountId) : accountId;
    if (account !== undefined && (typeof account !== 'string' || !/^\d{12}$/.test(account)))
      throw new CredentialsError(`${at}.accountId must be 12 digits (quote it in YAML when it starts with 0)`);
    return { accessKeyId, secretAccessKey, ...(account !== undefined && { accountId: account as string }) };
  });
}

/** The AWS shared-credentials file format: [profile] sections of key = value lines. */
function parseIni(text: string, file: string): AccessKey[] {
  const profiles: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    if (t.startsWith('[') && t.endsWith(']')) {
      current = {};
      profiles.push(current);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0 || !current) throw new CredentialsError(`${file}: cannot read the line '${t}' (expected [profile] then key = value lines)`);
    current[t.slice(0, eq).trim().toLowerCase()] = t.slice(eq + 1).trim();
  }
  const keys = profiles
    .filter((p) => p.aws_access_key_id !== undefined || p.aws_secret_access_key !== undefined)
    .map((p) => ({ accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, ...(p.aws_account_id !== undefined && { accountId: p.aws_account_id }) }));
  return parseAccessKeys(keys, file);
}

/** Reads a credentials file (YAML, JSON or INI). */
export function readCredentialsFile(file: string): AccessKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CredentialsError(`cannot read the credentials file ${file}: ${(e as Error).message}`);
  }
  if (/^\s*\[[^\]\n]+\]\s*$/m.test(text) && !text.trimStart().startsWith('[{') && !/^\s*-/m.test(text)) return parseIni(text, file);
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    throw new CredentialsError(`cannot read the credentials file ${file}: ${(e as Error).message}`);
  }
  return parseAccessKeys(isObject(raw) ? raw.credentials : raw, file);
}

export interface KeyOwner {
  secretAccessKey: string;
  account: string;
}

/** Keys the emulator hands to what it runs for a pipeline (Lambda handlers, job workers' artifactCredentials). */
const ISSUED = /^ASIALOCAL(\d{12})$/;

/** The accepted keys, by access key id. */
export class KeyRing {
  private readonly keys = new Map<string, KeyOwner>();
  /** Derives issued secrets: from the configured secrets, so issued keys survive a restart and nobody without a configured secret can make one. */
  private readonly issuing: Buffer;

  constructor(entries: AccessKey[]) {
    for (const k of entries) {
      if (ISSUED.test(k.accessKeyId)) throw new CredentialsError(`the access key id ${k.accessKeyId} is reserved for keys the emulator issues (ASIALOCAL + account)`);
      const owner = { secretAccessKey: k.secretAccessKey, account: k.accountId ?? (/^\d{12}$/.test(k.accessKeyId) ? k.accessKeyId : DEFAULT_ACCOUNT) };
      const known = this.keys.get(k.accessKeyId);
      if (known && known.secretAccessKey !== owner.secretAccessKey) throw new CredentialsError(`the access key ${k.accessKeyId} is listed twice with different secrets`);
      this.keys.set(k.accessKeyId, owner);
    }
    const secrets = [...this.keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, o]) => `${id}\n${o.secretAccessKey}`);
    this.issuing = createHash('sha256').update(secrets.join('\n')).digest();
  }

  /** The number of configured keys (issued ones not counted). */
  get size() {
    return this.keys.size;
  }

  /** A key acting in `account`, for a Lambda handler or a job worker the emulator starts or answers. */
  issue(account: string): { accessKeyId: string; secretAccessKey: string } {
    return { accessKeyId: `ASIALOCAL${account}`, secretAccessKey: createHmac('sha256', this.issuing).update(account).digest('base64url') };
  }

  get(accessKeyId: string | undefined): KeyOwner | undefined {
    if (accessKeyId === undefined) return undefined;
    const known = this.keys.get(accessKeyId);
    if (known) return known;
    const issued = this.keys.size > 0 ? ISSUED.exec(accessKeyId) : null;
    return issued ? { secretAccessKey: this.issue(issued[1]).secretAccessKey, account: issued[1] } : undefined;
  }
}
