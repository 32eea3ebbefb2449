// EventBridge rules that start pipelines: what a stack's AWS::Events::Rule leaves (simulated store,
// kind 'events-rule'), as change detection reads it. On AWS a CodeCommit (or S3) source with
// PollForSourceChanges=false is started by such a rule; here a change to a watched repository or
// object starts the pipeline either way, and a matching rule names the trigger (CloudWatchEvent, with
// the rule's ARN as its detail), as on AWS.
import type { SimulatedStore } from '../simulated/store.js';
import type { Scope } from '../store/scope.js';

export const EVENT_RULE_KIND = 'events-rule';

export interface EventRuleDocument {
  name: string;
  arn: string;
  state: string;
  eventPattern?: Record<string, any>;
  scheduleExpression?: string;
  /** Target ARNs (a pipeline's: arn:aws:codepipeline:region:account:name). */
  targets: string[];
}

/** What a change is, as a rule's event pattern sees it. */
export type SourceChange = { source: 'aws.codecommit'; repositoryArn: string; branch: string } | { source: 'aws.s3'; bucket: string; key: string };

/** One pattern field: absent matches anything; a list matches when it holds the value (strings only: no content filters here). */
const field = (pattern: unknown, value: string) => pattern === undefined || (Array.isArray(pattern) ? pattern.map(String).includes(value) : String(pattern) === value);

export function ruleMatches(rule: EventRuleDocument, change: SourceChange): boolean {
  const p = rule.eventPattern;
  if (rule.state === 'DISABLED' || !p || !field(p.source, change.source)) return false;
  if (change.source === 'aws.codecommit')
    return field(p.resources, change.repositoryArn) && field(p.detail?.referenceName, change.branch) && field(p.detail?.referenceType, 'branch');
  return field(p.detail?.requestParameters?.bucketName ?? p.detail?.bucket?.name, change.bucket) && field(p.detail?.requestParameters?.key ?? p.detail?.object?.key, change.key);
}

/** The ARN of an enabled rule in the scope that targets the pipeline and matches the change. */
export function matchingRule(store: SimulatedStore, scope: Scope, pipeline: string, change: SourceChange): string | undefined {
  const target = `arn:aws:codepipeline:${scope.region}:${scope.account}:${pipeline}`;
  return store
    .list<EventRuleDocument>(scope, EVENT_RULE_KIND)
    .map((r) => r.document)
    .find((r) => r.targets.includes(target) && ruleMatches(r, change))?.arn;
}
