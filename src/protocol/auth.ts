// SigV4 credential scope -> who is calling and where. The scope decides the account and region that
// isolate resources; signatures are verified only when access keys are configured (apiAuth.ts), and
// then the account is the key's.
export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
  service?: string;
}

export const DEFAULT_ACCOUNT = '000000000000';

/** A region name as AWS spells them (`us-east-1`, `us-gov-west-1`): anything else in a credential scope is refused. */
export const validRegion = (region: string) => /^[a-z0-9-]{1,30}$/.test(region);

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

export function callerFrom(
  authorization: string | undefined,
  query: URLSearchParams,
  defaultRegion: string,
  keys?: { get(accessKeyId: string | undefined): { account: string } | undefined },
): Caller {
  let accessKeyId: string | undefined;
  let region = defaultRegion;
  let service: string | undefined;
  const m = authorization?.match(CREDENTIAL);
  if (m) {
    [, accessKeyId, , region, service] = m;
  } else {
    const scope = query.get('X-Amz-Credential');
    const parts = scope?.split('/');
    if (parts && parts.length === 5) [accessKeyId, , region, service] = parts;
  }
  const account = keys?.get(accessKeyId)?.account ?? (accessKeyId && /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT);
  return { account, region, accessKeyId, service };
}
