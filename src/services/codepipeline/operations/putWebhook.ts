// PutWebhook: creates a webhook, or replaces the definition of one with the same name (keeping its
// URL, ARN and registration). A webhook deleted and put again gets a new URL, as in AWS.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { cpError, pipelineNotFound } from '../errors.js';
import { webhookArn } from '../../../util/arn.js';
import type { Ctx } from '../context.js';
import type { Valid } from '../model/types.js';
import type { Handler } from '../handler.js';
import { checkTags } from '../tagging.js';
import { webhookItem } from '../webhookItem.js';
import { isValidJsonPath } from '../webhookJsonPath.js';

/** AWS's default quota of webhooks per account and region. */
export const MAX_WEBHOOKS = 300;

const invalidAuth = (message: string) => cpError('InvalidWebhookAuthenticationParametersException', message);

function isCidr(range: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(range);
  const family = m ? isIP(m[1]) : 0;
  return family !== 0 && Number(m![2]) <= (family === 4 ? 32 : 128);
}

/** Each authentication type needs its own property; the others are not required. */
function checkAuthentication(def: Valid<'WebhookDefinition'>) {
  const conf = def.authenticationConfiguration;
  if (def.authentication === 'GITHUB_HMAC' && conf.SecretToken === undefined)
    throw invalidAuth('SecretToken must be set in the authenticationConfiguration for GITHUB_HMAC authentication');
  if (def.authentication === 'IP') {
    if (conf.AllowedIPRange === undefined)
      throw invalidAuth('AllowedIPRange must be set in the authenticationConfiguration for IP authentication');
    if (!isCidr(conf.AllowedIPRange)) throw invalidAuth(`AllowedIPRange '${conf.AllowedIPRange}' is not a valid CIDR range`);
  }
}

function checkFilters(def: Valid<'WebhookDefinition'>) {
  const bad = def.filters.find((f) => !isValidJsonPath(f.jsonPath));
  if (bad) throw cpError('InvalidWebhookFilterPatternException', `The JSON path '${bad.jsonPath}' of a webhook filter is not valid`);
}

/** The webhook must target an action of the pipeline's first (source) stage. */
function checkTarget(ctx: Ctx, def: Valid<'WebhookDefinition'>) {
  const pipeline = ctx.store.pipelines.get(ctx, def.targetPipeline);
  if (!pipeline) throw pipelineNotFound(ctx.account, def.targetPipeline);
  if (!pipeline.declaration.stages?.[0]?.actions?.some((a) => a.name === def.targetAction))
    throw cpError('ValidationException', `Action with name ${def.targetAction} was not found in the first stage of the pipeline`);
}

/** An opaque, unguessable trigger URL on this emulator (AWS: https://REGION.webhooks.aws/trigger?t=TOKEN&v=1). */
const newUrl = (ctx: Ctx) => `${ctx.baseUrl}/webhooks/trigger?t=${randomBytes(32).toString('base64url')}&v=1`;

export const putWebhook: Handler<'PutWebhook'> = (ctx, input) => {
  const def = input.webhook;
  const tags = input.tags ?? [];
  checkAuthentication(def);
  checkFilters(def);
  return ctx.store.tx(() => {
    checkTarget(ctx, def);
    const arn = webhookArn(ctx.region, ctx.account, def.name);
    const existing = ctx.store.webhooks.get(ctx, def.name);
    checkTags(tags, existing ? ctx.store.tags.list(arn) : [], arn);
    if (existing) ctx.store.webhooks.updateDefinition(ctx, def);
    else {
      if (ctx.store.webhooks.count(ctx) >= MAX_WEBHOOKS)
        throw cpError('LimitExceededException', `The number of webhooks in account '${ctx.account}' has reached the limit of ${MAX_WEBHOOKS}`);
      ctx.store.webhooks.create(ctx, { arn, url: newUrl(ctx), definition: def }, ctx.clock.now());
    }
    if (tags.length) ctx.store.tags.put(arn, tags);
    return { webhook: webhookItem(ctx, ctx.store.webhooks.get(ctx, def.name)!) };
  });
};
