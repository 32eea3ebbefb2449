// Resolves a TagResource/UntagResource/ListTagsForResource ARN to an existing resource of the caller.
// The model's pattern has already checked the ARN's outline; what is left is the resource part
// (checked against the model's own shapes) and whether that resource exists in the caller's
// account and region.
import type { ActionCategory, ActionOwner } from '@aws-sdk/client-codepipeline';
import { validateShape } from './model/service.js';
import { cpError } from './errors.js';
import { actionTypeArn, parseArn, pipelineArn, webhookArn } from '../../util/arn.js';
import type { Ctx } from './context.js';

const conforms = (shapeName: string, value: string) => validateShape(shapeName, value, '').length === 0;

const invalidArn = (arn: string) => cpError('InvalidArnException', `The ARN '${arn}' is not a valid CodePipeline resource ARN`);

const notFound = (ctx: Ctx, kind: string, id: string) =>
  cpError('ResourceNotFoundException', `The account with id '${ctx.account}' does not include ${kind} with the name '${id}'`);

/** Returns the ARN under which the resource's tags are stored; throws InvalidArn/ResourceNotFound as AWS does. */
export function resolveTaggable(ctx: Ctx, arn: string): string {
  const parsed = parseArn(arn);
  if (!parsed) throw invalidArn(arn);
  // Another partition, account or region names a resource this caller cannot see.
  const ours = parsed.partition === 'aws' && parsed.account === ctx.account && parsed.region === ctx.region;
  const [kind, ...rest] = parsed.resource.split(':');

  if (rest.length === 0) {
    if (!conforms('PipelineName', kind)) throw invalidArn(arn);
    if (!ours || !ctx.store.pipelines.get(ctx, kind)) throw notFound(ctx, 'a pipeline', kind);
    return pipelineArn(ctx.region, ctx.account, kind);
  }
  const id = rest.join(':');
  if (kind === 'webhook') {
    if (!conforms('WebhookName', id)) throw invalidArn(arn);
    if (!ours || !ctx.store.webhooks.get(ctx, id)) throw notFound(ctx, 'a webhook', id);
    return webhookArn(ctx.region, ctx.account, id);
  }
  if (kind === 'actiontype') {
    const parts = id.split('/');
    const [owner, category, provider, version] = parts;
    const valid =
      parts.length === 4 &&
      conforms('ActionOwner', owner) &&
      conforms('ActionCategory', category) &&
      conforms('ActionProvider', provider) &&
      conforms('Version', version);
    if (!valid) throw invalidArn(arn);
    // The casts are safe: both values conform to their enums above.
    const typeId = { category: category as ActionCategory, owner: owner as ActionOwner, provider, version };
    const row = ours ? ctx.store.actionTypes.get(ctx, typeId) : undefined;
    if (!row || row.deleted) throw notFound(ctx, 'an action type', id);
    return actionTypeArn(ctx.region, ctx.account, category, owner, provider, version);
  }
  throw invalidArn(arn);
}
