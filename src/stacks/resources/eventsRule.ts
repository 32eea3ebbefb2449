// AWS::Events::Rule: kept as an EventBridge rule change detection reads (src/triggers/eventRules.ts).
// A rule with a CodeCommit (or S3) event pattern and a pipeline target is that pipeline's change
// trigger, as the rule a console or CDK pipeline with PollForSourceChanges=false has on AWS: a push
// to the repository's branch starts the pipeline, reported as CloudWatchEvent with the rule's ARN.
// Other targets and schedules are recorded only (the event says so). Ref is the rule's name; GetAtt Arn.
import type { Store } from '../../store/index.js';
import { EVENT_RULE_KIND, type EventRuleDocument } from '../../triggers/eventRules.js';
import { ProvisionError, ReplacementRequired, type ProvisionContext, type ResourceProvisioner } from '../provisioners.js';

export function eventsRuleProvisioner(store: Store): ResourceProvisioner {
  function put(ctx: ProvisionContext, name: string, props: Record<string, unknown>) {
    let pattern = props.EventPattern as Record<string, any> | string | undefined;
    if (typeof pattern === 'string') {
      try {
        pattern = JSON.parse(pattern) as Record<string, any>;
      } catch {
        throw new ProvisionError('Event pattern is not valid. Reason: the pattern is not well-formed JSON');
      }
    }
    if (pattern === undefined && props.ScheduleExpression === undefined) throw new ProvisionError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    const arn = `arn:aws:events:${ctx.scope.region}:${ctx.scope.account}:rule/${name}`;
    const targets = ((props.Targets ?? []) as { Arn?: unknown }[]).map((t) => String(t.Arn));
    const doc: EventRuleDocument = {
      name,
      arn,
      state: String(props.State ?? 'ENABLED'),
      ...(pattern && { eventPattern: pattern }),
      ...(props.ScheduleExpression !== undefined && { scheduleExpression: String(props.ScheduleExpression) }),
      targets,
    };
    store.tx(() => store.simulated.put(ctx.scope, EVENT_RULE_KIND, name, doc, ctx.now));
    const pipelines = targets.filter((t) => t.startsWith('arn:aws:codepipeline:'));
    const sources = [pattern && typeof pattern === 'object' ? pattern.source : undefined].flat().filter(Boolean);
    if (pipelines.length && sources.some((s) => s === 'aws.codecommit' || s === 'aws.s3'))
      ctx.note(`the rule ${name} starts ${pipelines.map((p) => p.split(':').pop()).join(', ')} on ${sources.join(', ')} changes`);
    else ctx.note(`the rule ${name} is recorded only: the emulator runs rules with a CodeCommit or S3 pattern and a pipeline target`);
    return { physicalId: name, attributes: { Arn: arn } };
  }
  return {
    async create(ctx, props) {
      return put(ctx, typeof props.Name === 'string' ? props.Name : ctx.generatedName(64), props);
    },
    async update(ctx, name, props, previous) {
      if (props.Name !== previous.Name || props.EventBusName !== previous.EventBusName) throw new ReplacementRequired();
      return put(ctx, name, props);
    },
    async delete(ctx, name) {
      store.tx(() => store.simulated.remove(ctx.scope, EVENT_RULE_KIND, name));
    },
  };
}
