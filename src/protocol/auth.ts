// SigV4 credential scope -> who is calling and where. The scope decides the account and region that
// isolate resources; signatures are verified only when access keys are configured (apiAuth.ts), and
// then the account is the key's. The scope is read by sigv4.ts's scopeOf, the one reader of it.
import { scopeOf, type CredentialScope } from './sigv4.js';

export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
  service?: string;
}

export const DEFAULT_ACCOUNT = '000000000000';

/** A region name as AWS spells them (`us-east-1`, `us-gov-west-1`): anything else in a credential scope is refused. */
export const validRegion = (region: string) => /^[a-z0-9-]{1,30}$/.test(region);

type KeyLookup = { get(accessKeyId: string | undefined): { account: string } | undefined };

/** Unverified, a key id names its account: 12 digits, or a key the emulator issued (ASIALOCAL + account, e.g. by STS AssumeRole). */
function accountOfKeyId(accessKeyId: string | undefined): string {
  if (accessKeyId === undefined) return DEFAULT_ACCOUNT;
  if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
  return /^ASIALOCAL(\d{12})$/.exec(accessKeyId)?.[1] ?? DEFAULT_ACCOUNT;
}

/** The caller a credential scope names: the key's account when keys are configured, else a 12-digit key id, else the default. */
export function callerOf(scope: CredentialScope | undefined, defaultRegion: string, keys?: KeyLookup): Caller {
  const accessKeyId = scope?.accessKeyId;
  const account = keys?.get(accessKeyId)?.account ?? accountOfKeyId(accessKeyId);
  return { account, region: scope?.region ?? defaultRegion, accessKeyId, service: scope?.service };
}

export const callerFrom = (authorization: string | undefined, query: URLSearchParams, defaultRegion: string, keys?: KeyLookup): Caller =>
  callerOf(scopeOf(authorization, query.get('X-Amz-Credential')), defaultRegion, keys);
