import type { Handler } from '../model/types.js';

/** The account is the caller's (its key's when signatures are verified); the emulator knows no users, so the caller is the account's root. */
export const getCallerIdentity: Handler<'GetCallerIdentity'> = (ctx) => ({
  UserId: ctx.account,
  Account: ctx.account,
  Arn: `arn:aws:iam::${ctx.account}:root`,
});
