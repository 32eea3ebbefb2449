// CodeBuild, SSM and Secrets Manager with signatures verified (--credentials), as for CodePipeline:
// a signed call acts in the key's account and the signature's region; a wrong secret or an unknown
// key is refused with AWS's errors; a StartBuild build's log link comes presigned with the caller's key.
import { describe, expect, it } from 'vitest';
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand, ListProjectsCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { until } from './engineKit.js';
import { failure, rawCall, useEmulator } from './harness.js';
import { CREDENTIALS, KEY } from './sigv4Kit.js';

const h = useEmulator({ credentials: CREDENTIALS });
type Creds = { accessKeyId: string; secretAccessKey: string };
const cb = (creds: Creds = KEY, region = 'eu-central-1') => new CodeBuildClient({ endpoint: h.emu.endpoint, region, credentials: creds, maxAttempts: 1 });
const ssm = (creds: Creds = KEY) => new SSMClient({ endpoint: h.emu.endpoint, region: 'eu-central-1', credentials: creds, maxAttempts: 1 });

describe('signed CodeBuild, SSM and Secrets Manager calls', () => {
  it('act in the key’s account and the signature’s region', async () => {
    const { project } = await cb().send(
      new CreateProjectCommand({
        name: 'signed-project',
        source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo signed\n' },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL' },
        serviceRole: 'role',
      }),
    );
    expect(project?.arn).toBe('arn:aws:codebuild:eu-central-1:111122223333:project/signed-project');
    expect((await cb(KEY, 'us-east-1').send(new ListProjectsCommand({}))).projects).toEqual([]);
    await ssm().send(new PutParameterCommand({ Name: '/signed', Value: 'v', Type: 'String' }));
    expect((await ssm().send(new GetParameterCommand({ Name: '/signed' }))).Parameter?.ARN).toBe('arn:aws:ssm:eu-central-1:111122223333:parameter/signed');
  });

  it('a StartBuild build’s log link is presigned and opens; unsigned it is refused', async () => {
    const { build } = await cb().send(new StartBuildCommand({ projectName: 'signed-project' }));
    const done = (await until(() => cb().send(new BatchGetBuildsCommand({ ids: [build!.id!] })), (o) => o.builds?.[0]?.buildComplete === true, 20_000)).builds![0];
    const link = done.logs!.deepLink!;
    expect(link).toContain('X-Amz-Signature=');
    const signed = await fetch(link);
    expect([signed.status, (await signed.text()).includes('signed')]).toEqual([200, true]);
    expect((await fetch(link.slice(0, link.indexOf('?')))).status).toBe(403);
  });

  it('refuse a wrong secret and an unknown key, and unsigned calls', async () => {
    const wrong = await failure(cb({ ...KEY, secretAccessKey: 'wrong' }).send(new ListProjectsCommand({})));
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 400]);
    const unknown = await failure(ssm({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }).send(new GetParameterCommand({ Name: '/signed' })));
    expect(unknown.name).toBe('UnrecognizedClientException');
    for (const target of ['CodeBuild_20161006.ListProjects', 'AmazonSSM.GetParameter', 'secretsmanager.ListSecrets']) {
      const r = await rawCall(h.emu.endpoint, target, '{"Name":"/signed"}');
      expect([target, r.json?.__type]).toEqual([target, 'MissingAuthenticationTokenException']);
    }
  });
});
