// CloudFormation's dynamic references ({{resolve:ssm:...}}, {{resolve:ssm-secure:...}},
// {{resolve:secretsmanager:...}}) in resource properties, resolved from the emulator's SSM parameter
// store and secrets store when the resource is created; the stack keeps the reference, never the value.
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, GetTemplateCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, useEmulator } from './harness.js';
import { cfnClient, settled } from './cfnKit.js';

const t = useEmulator();
const cf = () => cfnClient(t.emu.endpoint);
const ssm = () => new SSMClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });

async function secretsManager(target: string, body: object) {
  const r = await fetch(`${t.emu.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `secretsmanager.${target}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
}

const template = (value: string) =>
  JSON.stringify({ Resources: { Copy: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/copied', Type: 'String', Value: value } } } });

describe('dynamic references', () => {
  it('a resource gets the values of ssm, ssm-secure and secretsmanager references; the template keeps the references', async () => {
    await ssm().send(new PutParameterCommand({ Name: '/app/name', Value: 'world', Type: 'String' }));
    await ssm().send(new PutParameterCommand({ Name: '/app/token', Value: 't0k3n', Type: 'SecureString' }));
    await secretsManager('CreateSecret', { Name: 'app/db', SecretString: JSON.stringify({ password: 'pw' }) });
    const value = 'hello {{resolve:ssm:/app/name}} {{resolve:ssm-secure:/app/token}} {{resolve:secretsmanager:app/db:SecretString:password}}';
    await cf().send(new CreateStackCommand({ StackName: 'refs', TemplateBody: template(value) }));
    expect((await waitUntilStackCreateComplete({ client: cf(), maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { StackName: 'refs' })).state).toBe('SUCCESS');
    expect((await ssm().send(new GetParameterCommand({ Name: '/copied' }))).Parameter!.Value).toBe('hello world t0k3n pw');
    expect(JSON.parse((await cf().send(new GetTemplateCommand({ StackName: 'refs' }))).TemplateBody!).Resources.Copy.Properties.Value).toBe(value);
  });

  it('a reference to nothing fails the resource in CloudFormation’s words and rolls the stack back', async () => {
    await cf().send(new CreateStackCommand({ StackName: 'missing-ref', TemplateBody: template('{{resolve:ssm:/not/there}}') }));
    const s = await settled(cf(), 'missing-ref');
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = (await cf().send(new DescribeStackEventsCommand({ StackName: 'missing-ref' }))).StackEvents!;
    const failed = events.find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
    expect([failed.LogicalResourceId, failed.ResourceStatusReason]).toEqual(['Copy', 'Unable to fetch parameters [/not/there] from parameter store for this account.']);
    expect((await cf().send(new DescribeStacksCommand({ StackName: 'missing-ref' }))).Stacks![0].StackStatus).toBe('ROLLBACK_COMPLETE');
  });
});
