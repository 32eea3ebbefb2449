// The identity AWS records as the author of user actions (trigger details, lastUpdatedBy, lastChangedBy).
// Signatures are not verified, so the account's root ARN stands for the caller.
import type { Ctx } from './context.js';

export const callerArn = (ctx: Ctx) => `arn:aws:iam::${ctx.account}:root`;
