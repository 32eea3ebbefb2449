import { identityOfToken } from '../credentials.js';
import type { Handler } from '../model/types.js';

/**
 * The caller's account (its key's when signatures are verified). Credentials from AssumeRole are that
 * role's session (their session token says which); any other key is the account's root: the emulator
 * knows no IAM users.
 */
export const getCallerIdentity: Handler<'GetCallerIdentity'> = (ctx) => {
  const session = identityOfToken(ctx.sessionToken);
  if (session && session.arn.split(':')[4] === ctx.account) return { UserId: session.userId, Account: ctx.account, Arn: session.arn };
  return { UserId: ctx.account, Account: ctx.account, Arn: `arn:aws:iam::${ctx.account}:root` };
};
