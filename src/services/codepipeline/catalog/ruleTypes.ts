// The rule types AWS offers for stage conditions (ListRuleTypes), as data from AWS's rule reference.
// As with action types, key = required and queryable = false where the reference says nothing.
import type { RuleConfigurationProperty, RuleType } from '@aws-sdk/client-codepipeline';

/** `name` for required, `name?` for optional. */
function props(...names: string[]): RuleConfigurationProperty[] {
  return names.map((n) => {
    const optional = n.endsWith('?');
    return { name: optional ? n.slice(0, -1) : n, required: !optional, key: !optional, secret: false, queryable: false };
  });
}

const rule = (provider: string, input: [number, number], configuration: RuleConfigurationProperty[]): RuleType => ({
  id: { category: 'Rule', owner: 'AWS', provider, version: '1' },
  ruleConfigurationProperties: configuration,
  inputArtifactDetails: { minimumCount: input[0], maximumCount: input[1] },
});

export const AWS_RULE_TYPES: readonly RuleType[] = [
  rule('CloudWatchAlarm', [0, 0], props('AlarmName', 'AlarmStates?', 'WaitTime?')),
  rule('CodeBuild', [1, 5], props('ProjectName', 'PrimarySource?', 'BatchEnabled?', 'CombineArtifacts?', 'EnvironmentVariables?')),
  // The commands are RuleDeclaration fields, not configuration.
  rule('Commands', [1, 10], []),
  rule('DeploymentWindow', [0, 0], props('Cron', 'TimeZone?')),
  rule('LambdaInvoke', [0, 1], props('FunctionName', 'UserParameters?')),
  rule('VariableCheck', [0, 0], props('Variable', 'Value', 'Operator')),
];
