// AWS::CodePipeline::CustomActionType: CreateCustomActionType / DeleteCustomActionType through the
// CodePipeline handlers. Every property change replaces it (as CloudFormation documents). Ref is the
// action type's id, "Category|Provider|Version" (also GetAtt Id).
import type { ResourceProvisioner } from '../provisioners.js';
import { apiShape, apiTags, notFound, type CodePipelineCall } from './codePipelineApi.js';

export function codePipelineCustomActionTypeProvisioner(call: CodePipelineCall): ResourceProvisioner {
  return {
    async create(ctx, props) {
      const { Tags, ...rest } = props;
      const tags = apiTags(Tags);
      await call(ctx.scope, 'CreateCustomActionType', { ...(apiShape(rest) as Record<string, unknown>), ...(tags.length && { tags }) });
      const id = `${props.Category}|${props.Provider}|${props.Version}`;
      return { physicalId: id, attributes: { Id: id } };
    },
    async delete(ctx, id) {
      const [category, provider, version] = id.split('|');
      try {
        await call(ctx.scope, 'DeleteCustomActionType', { category, provider, version });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
  };
}
