import { credentialsFor, identityOfToken } from '../credentials.js';
import type { Handler } from '../model/types.js';

/** Temporary credentials of the caller's own account (default 12 hours, as AWS). */
export const getSessionToken: Handler<'GetSessionToken'> = (ctx, input) => ({
  Credentials: credentialsFor(ctx, ctx.account, input.DurationSeconds ?? 43200, identityOfToken(ctx.sessionToken)),
});
