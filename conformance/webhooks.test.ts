// Webhooks through the SDK: PutWebhook (create and replace), ListWebhooks, DeleteWebhook,
// Register/DeregisterWebhookWithThirdParty; validation, secret redaction, pagination, isolation.
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeleteWebhookCommand,
  DeregisterWebhookWithThirdPartyCommand,
  ListWebhooksCommand,
  PutWebhookCommand,
  RegisterWebhookWithThirdPartyCommand,
  type ListWebhookItem,
  type Tag,
  type WebhookDefinition,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, useEmulator } from './harness.js';
import { samplePipeline } from './fixtures.js';
import { clientEnv } from './scripts/expected.js';

const OTHER_ACCOUNT = '210987654321';
const SECRET = 'a-very-secret-token';

const t = useEmulator({
  setup: async (cp) => {
    await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('app') }));
  },
});

const github = (name: string, over: Partial<WebhookDefinition> = {}): WebhookDefinition => ({
  name,
  targetPipeline: 'app',
  targetAction: 'Source',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: SECRET },
  ...over,
});

const put = (webhook: WebhookDefinition, tags?: Tag[], c = t.cp) => c.send(new PutWebhookCommand({ webhook, tags }));

async function listAll(c = t.cp): Promise<ListWebhookItem[]> {
  return (await c.send(new ListWebhooksCommand({}))).webhooks ?? [];
}

const URL_SHAPE = () => new RegExp(`^${t.emu.endpoint.replace(/[.]/g, '\\.')}/webhooks/trigger\\?t=[A-Za-z0-9_-]{20,}&v=1$`);

describe('PutWebhook', () => {
  it('creates a webhook and answers it with URL, ARN and tags, the secret redacted', async () => {
    const out = await put(github('hook-1'), [{ key: 'team', value: 'a' }]);
    const hook = out.webhook!;
    expect(hook.definition).toEqual({ ...github('hook-1'), authenticationConfiguration: { SecretToken: '****' } });
    expect(hook.url).toMatch(URL_SHAPE());
    expect(hook.arn).toBe(`arn:aws:codepipeline:us-east-1:${ACCOUNT}:webhook:hook-1`);
    expect(hook.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(hook.lastTriggered).toBeUndefined();
    expect(hook.errorCode).toBeUndefined();
  });

  it('keeps the secret in full for the trigger receiver', () => {
    const row = t.emu.store.webhooks.get({ account: ACCOUNT, region: 'us-east-1' }, 'hook-1');
    expect(row?.definition.authenticationConfiguration?.SecretToken).toBe(SECRET);
  });

  it('replaces a webhook of the same name, keeping its URL, ARN and tags', async () => {
    const before = (await listAll()).find((w) => w.definition?.name === 'hook-1')!;
    const out = await put(github('hook-1', { filters: [{ jsonPath: '$.repository.name', matchEquals: 'app' }] }));
    expect(out.webhook?.url).toBe(before.url);
    expect(out.webhook?.arn).toBe(before.arn);
    expect(out.webhook?.definition?.filters).toEqual([{ jsonPath: '$.repository.name', matchEquals: 'app' }]);
    expect(out.webhook?.tags).toEqual([{ key: 'team', value: 'a' }]);
  });

  it('gives a webhook deleted and put again a new URL', async () => {
    const first = (await put(github('hook-2'))).webhook!.url;
    await t.cp.send(new DeleteWebhookCommand({ name: 'hook-2' }));
    const second = (await put(github('hook-2'))).webhook!.url;
    expect(second).toMatch(URL_SHAPE());
    expect(second).not.toBe(first);
  });

  it('accepts IP authentication with a CIDR range and UNAUTHENTICATED with no configuration', async () => {
    const ip = await put(github('hook-ip', { authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '10.0.0.0/8' } }));
    expect(ip.webhook?.definition?.authenticationConfiguration).toEqual({ AllowedIPRange: '10.0.0.0/8' });
    const v6 = await put(github('hook-ip6', { authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '2001:db8::/32' } }));
    expect(v6.webhook?.definition?.authenticationConfiguration).toEqual({ AllowedIPRange: '2001:db8::/32' });
    const open = await put(github('hook-open', { authentication: 'UNAUTHENTICATED', authenticationConfiguration: {}, filters: [] }));
    expect(open.webhook?.definition?.authenticationConfiguration).toEqual({});
    expect(open.webhook?.definition?.filters).toEqual([]);
  });

  it('answers PipelineNotFoundException for a missing target pipeline', async () => {
    await expectAwsError(
      put(github('hook-x', { targetPipeline: 'nope' })),
      'PipelineNotFoundException',
      `Account '${ACCOUNT}' does not have a pipeline with name 'nope'`,
    );
  });

  it('requires the target action to be in the first stage', async () => {
    for (const action of ['Build', 'Missing'])
      await expectAwsError(
        put(github('hook-x', { targetAction: action })),
        'ValidationException',
        `Action with name ${action} was not found in the first stage of the pipeline`,
      );
  });

  it('requires the authentication properties of the chosen type', async () => {
    await expectAwsError(
      put(github('hook-x', { authenticationConfiguration: {} })),
      'InvalidWebhookAuthenticationParametersException',
      'SecretToken must be set in the authenticationConfiguration for GITHUB_HMAC authentication',
    );
    await expectAwsError(
      put(github('hook-x', { authentication: 'IP', authenticationConfiguration: {} })),
      'InvalidWebhookAuthenticationParametersException',
      'AllowedIPRange must be set in the authenticationConfiguration for IP authentication',
    );
    for (const range of ['10.0.0.1', '10.0.0.0/33', 'not-a-range/8', '2001:db8::/129'])
      await expectAwsError(
        put(github('hook-x', { authentication: 'IP', authenticationConfiguration: { AllowedIPRange: range } })),
        'InvalidWebhookAuthenticationParametersException',
        `AllowedIPRange '${range}' is not a valid CIDR range`,
      );
  });

  it('rejects a filter whose jsonPath is not a JSONPath', async () => {
    for (const jsonPath of ['$.ref.', '$[', '$.commits[abc]', '$x', '$.a[?()]'])
      await expectAwsError(
        put(github('hook-x', { filters: [{ jsonPath }] })),
        'InvalidWebhookFilterPatternException',
        `The JSON path '${jsonPath}' of a webhook filter is not valid`,
      );
  });

  it('accepts the JSONPath forms AWS documents', async () => {
    const filters = [
      { jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' },
      { jsonPath: '$.commits[0].id' },
      { jsonPath: "$['repository']['full_name']" },
      { jsonPath: '$..name' },
      { jsonPath: '$.pull_request[?(@.state == "open")]' },
    ];
    const out = await put(github('hook-paths', { filters }));
    expect(out.webhook?.definition?.filters).toEqual(filters);
  });

  it('applies the tag rules', async () => {
    await expectAwsError(put(github('hook-x'), [{ key: 'aws:x', value: '' }]), 'InvalidTagsException');
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' }));
    await expectAwsError(
      put(github('hook-x'), tags),
      'TooManyTagsException',
      `Tag limit exceeded for resource [arn:aws:codepipeline:us-east-1:${ACCOUNT}:webhook:hook-x].`,
    );
    expect((await listAll()).some((w) => w.definition?.name === 'hook-x')).toBe(false);
  });

  it('leaves shape constraints to the model', async () => {
    await expectAwsError(put(github('bad name')), 'ValidationException');
    await expectAwsError(put(github('hook-x', { filters: Array(6).fill({ jsonPath: '$.a' }) })), 'ValidationException');
  });
});

describe('ListWebhooks', () => {
  it('lists webhooks by name with the secret redacted', async () => {
    const hooks = await listAll();
    const names = hooks.map((w) => w.definition?.name);
    expect(names).toEqual([...names].sort());
    const hook = hooks.find((w) => w.definition?.name === 'hook-1')!;
    expect(hook.definition?.authenticationConfiguration).toEqual({ SecretToken: '****' });
    expect(hook.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(JSON.stringify(hooks)).not.toContain(SECRET);
  });

  it('paginates with MaxResults and NextToken', async () => {
    const all = (await listAll()).map((w) => w.definition?.name);
    expect(all.length).toBeGreaterThan(2);
    const seen: (string | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = await t.cp.send(new ListWebhooksCommand({ MaxResults: 2, NextToken: token }));
      expect(page.webhooks!.length).toBeLessThanOrEqual(2);
      seen.push(...page.webhooks!.map((w) => w.definition?.name));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(all);
    await expectAwsError(
      t.cp.send(new ListWebhooksCommand({ NextToken: 'garbage' })),
      'InvalidNextTokenException',
      'The next token was specified in an invalid format.',
    );
  });
});

describe('DeleteWebhook', () => {
  it('deletes a webhook, and succeeds for one that does not exist', async () => {
    await put(github('hook-del'));
    await t.cp.send(new DeleteWebhookCommand({ name: 'hook-del' }));
    expect((await listAll()).some((w) => w.definition?.name === 'hook-del')).toBe(false);
    await t.cp.send(new DeleteWebhookCommand({ name: 'hook-del' }));
  });
});

describe('Register/DeregisterWebhookWithThirdParty', () => {
  const scope = { account: ACCOUNT, region: 'us-east-1' };

  it('marks a webhook registered and unregistered', async () => {
    await put(github('hook-reg'));
    await t.cp.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'hook-reg' }));
    expect(t.emu.store.webhooks.get(scope, 'hook-reg')?.registered).toBe(true);
    await put(github('hook-reg', { filters: [] }));
    expect(t.emu.store.webhooks.get(scope, 'hook-reg')?.registered).toBe(true);
    await t.cp.send(new DeregisterWebhookWithThirdPartyCommand({ webhookName: 'hook-reg' }));
    expect(t.emu.store.webhooks.get(scope, 'hook-reg')?.registered).toBe(false);
  });

  it('answers WebhookNotFoundException for an unknown webhook', async () => {
    const message = `Account '${ACCOUNT}' does not have a webhook with name 'ghost'`;
    await expectAwsError(t.cp.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'ghost' })), 'WebhookNotFoundException', message);
    await expectAwsError(t.cp.send(new DeregisterWebhookWithThirdPartyCommand({ webhookName: 'ghost' })), 'WebhookNotFoundException', message);
    await expectAwsError(t.cp.send(new RegisterWebhookWithThirdPartyCommand({})), 'WebhookNotFoundException');
  });
});

describe('isolation', () => {
  it("keeps one account's and region's webhooks from another's", async () => {
    const other = client(t.emu.endpoint, { accessKeyId: OTHER_ACCOUNT });
    const west = client(t.emu.endpoint, { region: 'eu-west-1' });
    expect(await listAll(other)).toEqual([]);
    expect(await listAll(west)).toEqual([]);
    // Our pipeline is not theirs to target.
    await expectAwsError(put(github('hook-1'), undefined, other), 'PipelineNotFoundException');
    await expectAwsError(other.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'hook-1' })), 'WebhookNotFoundException');
    await other.send(new DeleteWebhookCommand({ name: 'hook-1' }));
    expect((await listAll()).some((w) => w.definition?.name === 'hook-1')).toBe(true);

    // The same name in another region is another webhook, with another URL and ARN.
    await west.send(new CreatePipelineCommand({ pipeline: samplePipeline('app') }));
    const mine = (await listAll()).find((w) => w.definition?.name === 'hook-1')!;
    const theirs = (await put(github('hook-1'), undefined, west)).webhook!;
    expect(theirs.arn).toBe(`arn:aws:codepipeline:eu-west-1:${ACCOUNT}:webhook:hook-1`);
    expect(theirs.url).not.toBe(mine.url);
    expect(theirs.tags).toBeUndefined();
  });
});

describe('quota', () => {
  it('allows 300 webhooks per account and region', async () => {
    const c = client(t.emu.endpoint, { region: 'ap-south-1' });
    await c.send(new CreatePipelineCommand({ pipeline: samplePipeline('app') }));
    for (let i = 0; i < 300; i++) await put(github(`q-${i}`), undefined, c);
    await expectAwsError(
      put(github('q-300'), undefined, c),
      'LimitExceededException',
      `The number of webhooks in account '${ACCOUNT}' has reached the limit of 300`,
    );
    // Replacing an existing one is not a new webhook.
    await put(github('q-0', { filters: [] }), undefined, c);
  });
});

// boto3 is a client nobody here wrote: its paginator must follow the capitalised NextToken.
const BOTO3 = `
import boto3, json, sys
c = boto3.client('codepipeline', endpoint_url=sys.argv[1])
pages = list(c.get_paginator('list_webhooks').paginate(PaginationConfig={'PageSize': 2}))
try:
    c.register_webhook_with_third_party(webhookName='ghost')
    code = None
except c.exceptions.WebhookNotFoundException as e:
    code = e.response['Error']['Code']
print(json.dumps({'pages': len(pages), 'names': [w['definition']['name'] for p in pages for w in p['webhooks']],
                  'secrets': [w['definition']['authenticationConfiguration'].get('SecretToken') for p in pages for w in p['webhooks']],
                  'code': code}))
`;
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { env: clientEnv() }).status === 0;

describe.skipIf(!hasBoto3)('boto3', () => {
  it('pages through list_webhooks and raises WebhookNotFoundException', async () => {
    const expected = (await listAll()).map((w) => w.definition?.name);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', BOTO3, t.emu.endpoint], { env: clientEnv(), timeout: 60_000 }, (e, so, se) =>
        e ? reject(new Error(`boto3 script failed: ${se}`)) : resolve(so),
      ),
    );
    const out = JSON.parse(stdout);
    expect(out.names).toEqual(expected);
    expect(out.pages).toBe(Math.ceil(expected.length / 2));
    expect(out.secrets).toContain('****');
    expect(out.secrets).not.toContain(SECRET);
    expect(out.code).toBe('WebhookNotFoundException');
  });
});
