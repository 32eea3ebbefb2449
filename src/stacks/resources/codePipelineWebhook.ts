// AWS::CodePipeline::Webhook: PutWebhook / DeleteWebhook through the CodePipeline handlers (the
// emulator's webhook receiver then serves its Url). Ref is the webhook's name; GetAtt Url.
import { ReplacementRequired, type ResourceProvisioner } from '../provisioners.js';
import { apiShape, notFound, type CodePipelineCall } from './codePipelineApi.js';

export function codePipelineWebhookProvisioner(call: CodePipelineCall): ResourceProvisioner {
  const put = async (scope: { account: string; region: string }, name: string, props: Record<string, unknown>) => {
    const { Name: _n, RegisterWithThirdParty: _r, TargetPipelineVersion: _v, ...rest } = props;
    const out = await call(scope, 'PutWebhook', { webhook: { name, ...(apiShape(rest) as Record<string, unknown>) } });
    if (String(props.RegisterWithThirdParty).toLowerCase() === 'true') await call(scope, 'RegisterWebhookWithThirdParty', { webhookName: name });
    return { physicalId: name, attributes: { Url: out.webhook.url } };
  };
  return {
    async create(ctx, props) {
      return put(ctx.scope, typeof props.Name === 'string' ? props.Name : ctx.generatedName(100), props);
    },
    async update(ctx, name, props, previous) {
      if (props.Name !== previous.Name) throw new ReplacementRequired();
      return put(ctx.scope, name, props);
    },
    async delete(ctx, name) {
      try {
        await call(ctx.scope, 'DeleteWebhook', { name });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
  };
}
