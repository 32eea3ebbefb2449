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

export function credentialsFor(ctx: Ctx, account: string, seconds: number): IssuedCredentials {
  const key = ctx.keys?.issue(account) ?? {
    accessKeyId: `ASIALOCAL${account}`,
    secretAccessKey: createHash('sha256').update(`codepipeline-local ${account}`).digest('base64url').slice(0, 40),
  };
  return {
    AccessKeyId: key.accessKeyId,
    SecretAccessKey: key.secretAccessKey,
    // Not checked by the emulator; opaque to clients, as AWS's.
    SessionToken: `FwoGZXIvYXdzE${randomBytes(48).toString('base64')}`,
    Expiration: new Date(ctx.clock.now() + seconds * 1000),
  };
}

/** A stable unique id of the style AWS gives principals (AROA..., AIDA...), from a name. */
export const principalId = (prefix: string, name: string) => prefix + createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase();
