// Temporary credentials STS hands out. Signatures verified (--credentials): a key the KeyRing accepts
// for the account (ASIALOCAL + account, its secret derived from the configured ones). Not verified: the
// same key id, which the credential scope maps to that account (protocol/auth.ts), with any secret.
import { createHash, randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

/** Who temporary credentials act as (an assumed role), carried in their session token. */
export interface SessionIdentity {
  arn: string;
  userId: string;
}

const TOKEN_PREFIX = 'CPLSession.';

/** The identity a session token the emulator issued carries; undefined for any other token. */
export function identityOfToken(token: string | undefined): SessionIdentity | undefined {
  if (!token?.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length).split('.')[0], 'base64url').toString('utf8'));
    return typeof v?.arn === 'string' && typeof v?.userId === 'string' ? { arn: v.arn, userId: v.userId } : undefined;
  } catch {
    return undefined;
  }
}

export function credentialsFor(ctx: Ctx, account: string, seconds: number, identity?: SessionIdentity): IssuedCredentials {
  const key = ctx.keys?.issue(account) ?? {
    accessKeyId: `ASIALOCAL${account}`,
    secretAccessKey: createHash('sha256').update(`codepipeline-local ${account}`).digest('base64url').slice(0, 40),
  };
  return {
    AccessKeyId: key.accessKeyId,
    SecretAccessKey: key.secretAccessKey,
    // Opaque to clients, as AWS's; GetCallerIdentity reads the identity it carries (not a secret: nothing is authorised by it).
    SessionToken: `${TOKEN_PREFIX}${Buffer.from(JSON.stringify(identity ?? {})).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    Expiration: new Date(ctx.clock.now() + seconds * 1000),
  };
}

/** A stable unique id of the style AWS gives principals (AROA..., AIDA...), from a name. */
export const principalId = (prefix: string, name: string) => prefix + createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase();
