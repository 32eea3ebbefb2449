// AWS::CodePipeline::Pipeline: every property of the resource converted to the API's pipeline
// declaration and created, updated and deleted through the CodePipeline operations' own handlers.
// Ref is the name; GetAtt Version. A new Name replaces the pipeline. DisableInboundStageTransitions
// become disabled transitions (the others are enabled again), Tags the pipeline's tags, and
// RestartExecutionOnUpdate starts an execution after an update, as CloudFormation does.
import { pipelineArn } from '../../util/arn.js';
import { ReplacementRequired, type ProvisionContext, type Provisioned, type ResourceProvisioner } from '../provisioners.js';
import { apiShape, apiTags, notFound, type CodePipelineCall } from './codePipelineApi.js';

/** Members of the resource that are not the declaration's. */
const NOT_DECLARATION = ['Name', 'Tags', 'DisableInboundStageTransitions', 'RestartExecutionOnUpdate'];

export function pipelineDeclaration(name: string, props: Record<string, unknown>): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(props).filter(([k]) => !NOT_DECLARATION.includes(k) && k !== 'ArtifactStores'));
  const out: Record<string, unknown> = { name, ...(apiShape(rest) as Record<string, unknown>) };
  // CloudFormation lists [{Region, ArtifactStore}]; the API maps region -> artifact store.
  if (Array.isArray(props.ArtifactStores))
    out.artifactStores = Object.fromEntries((props.ArtifactStores as { Region: string; ArtifactStore: unknown }[]).map((x) => [x.Region, apiShape(x.ArtifactStore)]));
  return out;
}

export function codePipelinePipelineProvisioner(call: CodePipelineCall): ResourceProvisioner {
  const provisioned = (ctx: ProvisionContext, name: string, version: number): Provisioned => ({ physicalId: name, attributes: { Version: String(version) } });

  /** Disabled inbound transitions as the template lists them; the others enabled. */
  async function transitions(ctx: ProvisionContext, name: string, props: Record<string, unknown>, previous: Record<string, unknown> = {}) {
    const want = (props.DisableInboundStageTransitions ?? []) as { StageName: string; Reason: string }[];
    const had = (previous.DisableInboundStageTransitions ?? []) as { StageName: string }[];
    for (const t of want) await call(ctx.scope, 'DisableStageTransition', { pipelineName: name, stageName: t.StageName, transitionType: 'Inbound', reason: t.Reason });
    for (const t of had.filter((h) => !want.some((w) => w.StageName === h.StageName)))
      await call(ctx.scope, 'EnableStageTransition', { pipelineName: name, stageName: t.StageName, transitionType: 'Inbound' });
  }

  return {
    async create(ctx, props) {
      const name = typeof props.Name === 'string' ? props.Name : ctx.generatedName(100);
      const tags = apiTags(props.Tags);
      const out = await call(ctx.scope, 'CreatePipeline', { pipeline: pipelineDeclaration(name, props), ...(tags.length && { tags }) });
      await transitions(ctx, name, props);
      ctx.note(`created the pipeline ${name} (version ${out.pipeline.version})`);
      return provisioned(ctx, name, out.pipeline.version);
    },
    async update(ctx, name, props, previous) {
      if (props.Name !== previous.Name) throw new ReplacementRequired();
      const out = await call(ctx.scope, 'UpdatePipeline', { pipeline: pipelineDeclaration(name, props) });
      const arn = pipelineArn(ctx.scope.region, ctx.scope.account, name);
      const tags = apiTags(props.Tags);
      const gone = apiTags(previous.Tags).filter((t) => !tags.some((x) => x.key === t.key));
      if (gone.length) await call(ctx.scope, 'UntagResource', { resourceArn: arn, tagKeys: gone.map((t) => t.key) });
      if (tags.length) await call(ctx.scope, 'TagResource', { resourceArn: arn, tags });
      await transitions(ctx, name, props, previous);
      ctx.note(`updated the pipeline ${name} (version ${out.pipeline.version})`);
      if (String(props.RestartExecutionOnUpdate).toLowerCase() === 'true') {
        const started = await call(ctx.scope, 'StartPipelineExecution', { name });
        ctx.note(`RestartExecutionOnUpdate: started the execution ${started.pipelineExecutionId}`);
      }
      return provisioned(ctx, name, out.pipeline.version);
    },
    async delete(ctx, name) {
      try {
        await call(ctx.scope, 'DeletePipeline', { name });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
  };
}
