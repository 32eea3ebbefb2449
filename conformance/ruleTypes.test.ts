// ListRuleTypes through the SDK: AWS's rule providers with their configuration and artifact counts.
import { describe, expect, it } from 'vitest';
import { ListRuleTypesCommand } from '@aws-sdk/client-codepipeline';
import { failure, useEmulator } from './harness.js';

const t = useEmulator();

describe('rule types', () => {
  it('lists the AWS rule providers', async () => {
    const out = await t.cp.send(new ListRuleTypesCommand({}));
    expect(out.ruleTypes?.map((t) => t.id?.provider)).toEqual([
      'CloudWatchAlarm',
      'CodeBuild',
      'Commands',
      'DeploymentWindow',
      'LambdaInvoke',
      'VariableCheck',
    ]);
    expect(out.ruleTypes?.every((t) => t.id?.category === 'Rule' && t.id.owner === 'AWS' && t.id.version === '1')).toBe(true);
    expect(out.ruleTypes?.find((t) => t.id?.provider === 'VariableCheck')).toEqual({
      id: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
      ruleConfigurationProperties: [
        { name: 'Variable', required: true, key: true, secret: false, queryable: false },
        { name: 'Value', required: true, key: true, secret: false, queryable: false },
        { name: 'Operator', required: true, key: true, secret: false, queryable: false },
      ],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    });
    const deploymentWindow = out.ruleTypes?.find((t) => t.id?.provider === 'DeploymentWindow');
    expect(deploymentWindow?.ruleConfigurationProperties?.map((p) => [p.name, p.required])).toEqual([
      ['Cron', true],
      ['TimeZone', false],
    ]);
  });

  it('honours the owner and region filters', async () => {
    const all = await t.cp.send(new ListRuleTypesCommand({}));
    const aws = await t.cp.send(new ListRuleTypesCommand({ ruleOwnerFilter: 'AWS', regionFilter: 'eu-west-1' }));
    expect(aws.ruleTypes).toEqual(all.ruleTypes);
    const e = await failure(t.cp.send(new ListRuleTypesCommand({ ruleOwnerFilter: 'Custom' as 'AWS' })));
    expect(e.name).toBe('ValidationException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });
});
