// How a stored webhook is answered (PutWebhook, ListWebhooks): the SecretToken is always redacted.
import type { ListWebhookItem, WebhookDefinition } from '@aws-sdk/client-codepipeline';
import { cpError } from './errors.js';
import type { WebhookRow } from '../../store/webhooks.js';
import type { Ctx } from './context.js';

/** What AWS shows in place of a webhook's SecretToken (as it masks secret action configuration). */
export const REDACTED_SECRET = '****';

function redacted(def: WebhookDefinition): WebhookDefinition {
  const auth = def.authenticationConfiguration ?? {};
  return { ...def, authenticationConfiguration: { ...auth, ...(auth.SecretToken !== undefined && { SecretToken: REDACTED_SECRET }) } };
}

const TRIGGER_PATH = /\/webhooks\/trigger\?t=[A-Za-z0-9_-]+&v=1$/;

/** A stored webhook URL on the emulator's current public URL (it may have moved port since, or got a --public-url). */
const currentUrl = (url: string, baseUrl: string) => {
  const m = TRIGGER_PATH.exec(url);
  return m ? `${baseUrl}${m[0]}` : url;
};

export function webhookItem(ctx: Ctx, row: WebhookRow): ListWebhookItem {
  const tags = ctx.store.tags.list(row.arn);
  return {
    definition: redacted(row.definition),
    url: currentUrl(row.url, ctx.baseUrl),
    arn: row.arn,
    ...(row.errorMessage !== null && { errorMessage: row.errorMessage }),
    ...(row.errorCode !== null && { errorCode: row.errorCode }),
    ...(row.lastTriggered !== null && { lastTriggered: new Date(row.lastTriggered) }),
    ...(tags.length > 0 && { tags }),
  };
}

/** AWS's wording is not documented; this follows its PipelineNotFoundException message. */
export const webhookNotFound = (account: string, name: string | undefined) =>
  cpError('WebhookNotFoundException', `Account '${account}' does not have a webhook with name '${name ?? ''}'`);
