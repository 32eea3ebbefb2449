// The webhook receiver: POSTs to the URL PutWebhook returned are authenticated (GITHUB_HMAC, IP,
// UNAUTHENTICATED), filtered (JSONPath + matchEquals with {ConfigKey} placeholders) and start the
// target pipeline with the trigger 'Webhook'; lastTriggered shows in ListWebhooks.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  ListWebhooksCommand,
  PutWebhookCommand,
  type WebhookDefinition,
} from '@aws-sdk/client-codepipeline';
import { evaluateJsonPath } from '../src/triggers/jsonPath.js';
import { expandMatch, inRange, validSignature } from '../src/triggers/webhookReceiver.js';
import { ACCOUNT, useEmulator } from './harness.js';

const TYPE = { category: 'Source', owner: 'Custom', provider: 'HookedSource', version: '1' } as const;

const t = useEmulator({
  setup: async (cp) => {
    await cp.send(
      new CreateCustomActionTypeCommand({
        ...TYPE,
        configurationProperties: [
          { name: 'Branch', required: true, key: true, secret: false, queryable: false, type: 'String' },
          { name: 'Repo', required: true, key: false, secret: false, queryable: false, type: 'String' },
        ],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
      }),
    );
  },
});

async function pipelineWithWebhook(name: string, webhook: Omit<WebhookDefinition, 'name' | 'targetPipeline' | 'targetAction'>) {
  await t.cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        artifactStore: { type: 'S3', location: 'hook-artifacts' },
        stages: [
          { name: 'Source', actions: [{ name: 'Src', actionTypeId: TYPE, configuration: { Branch: 'main', Repo: 'acme/app' }, outputArtifacts: [{ name: 'Out' }] }] },
          { name: 'Approve', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
        ],
      },
    }),
  );
  const out = await t.cp.send(new PutWebhookCommand({ webhook: { name: `${name}-hook`, targetPipeline: name, targetAction: 'Src', ...webhook } }));
  return { url: out.webhook!.url!, arn: out.webhook!.arn! };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: await res.json() };
}

const executions = async (name: string) => (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];
const sign = (secret: string, body: string, algorithm: 'sha256' | 'sha1' = 'sha256') => `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
const branchFilter = [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }];

describe('webhook receiver', () => {
  it('GITHUB_HMAC: a valid signature and matching filters start the pipeline (trigger Webhook) and set lastTriggered', async () => {
    const { url, arn } = await pipelineWithWebhook('hmac', { authentication: 'GITHUB_HMAC', authenticationConfiguration: { SecretToken: 'sekret' }, filters: branchFilter });
    expect(url).toMatch(new RegExp(`^${t.emu.endpoint}/webhooks/trigger\\?t=[A-Za-z0-9_-]+&v=1$`));
    expect((await t.cp.send(new ListWebhooksCommand({}))).webhooks!.find((w) => w.arn === arn)!.lastTriggered).toBeUndefined();
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/app' } });

    const before = Date.now();
    const ok = await post(url, body, { 'X-Hub-Signature-256': sign('sekret', body) });
    expect(ok).toEqual({ status: 200, json: { message: 'The pipeline was started', pipelineExecutionId: expect.any(String) } });
    const list = await executions('hmac');
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ pipelineExecutionId: ok.json.pipelineExecutionId, trigger: { triggerType: 'Webhook', triggerDetail: arn } });
    const last = (await t.cp.send(new ListWebhooksCommand({}))).webhooks!.find((w) => w.arn === arn)!.lastTriggered!;
    expect(last.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    // The legacy SHA-1 header works too.
    expect((await post(url, body, { 'X-Hub-Signature': sign('sekret', body, 'sha1') })).status).toBe(200);
    expect(await executions('hmac')).toHaveLength(3);
  });

  it('GITHUB_HMAC: a wrong or missing signature is refused (403) and nothing starts', async () => {
    const { url } = await pipelineWithWebhook('hmac-bad', { authentication: 'GITHUB_HMAC', authenticationConfiguration: { SecretToken: 'sekret' }, filters: branchFilter });
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const denied = { status: 403, json: { __type: 'AccessDeniedException', message: 'The request signature does not match the webhook secret token' } };
    expect(await post(url, body, { 'X-Hub-Signature-256': sign('other', body) })).toEqual(denied);
    expect(await post(url, body, { 'X-Hub-Signature-256': sign('sekret', body + ' ') })).toEqual(denied);
    expect(await post(url, body)).toEqual(denied);
    expect(await executions('hmac-bad')).toHaveLength(1);
  });

  it('filters: a non-matching body answers 200 without starting; {Branch} comes from the target action', async () => {
    const { url } = await pipelineWithWebhook('filtered', {
      authentication: 'UNAUTHENTICATED',
      authenticationConfiguration: {},
      filters: [...branchFilter, { jsonPath: '$.repository.full_name', matchEquals: '{Repo}' }, { jsonPath: "$.commits[?(@.author.name == 'bob')].id" }],
    });
    const payload = (ref: string, author: string, repo = 'acme/app') => JSON.stringify({ ref, repository: { full_name: repo }, commits: [{ id: 'c1', author: { name: author } }] });
    const ignored = { status: 200, json: { message: 'The request did not match the webhook filters; nothing was started' } };
    expect(await post(url, payload('refs/heads/dev', 'bob'))).toEqual(ignored);
    expect(await post(url, payload('refs/heads/main', 'alice'))).toEqual(ignored);
    expect(await post(url, payload('refs/heads/main', 'bob', 'acme/other'))).toEqual(ignored);
    expect(await post(url, 'not json')).toEqual(ignored);
    expect(await executions('filtered')).toHaveLength(1);
    expect((await post(url, payload('refs/heads/main', 'bob'))).status).toBe(200);
    expect(await executions('filtered')).toHaveLength(2);
  });

  it('IP: callers inside AllowedIPRange are accepted, others refused', async () => {
    const inside = await pipelineWithWebhook('ip-in', { authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '127.0.0.0/8' }, filters: [] });
    const outside = await pipelineWithWebhook('ip-out', { authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '10.0.0.0/8' }, filters: [] });
    expect((await post(inside.url, '{}')).status).toBe(200);
    expect(await executions('ip-in')).toHaveLength(2);
    expect(await post(outside.url, '{}')).toEqual({ status: 403, json: { __type: 'AccessDeniedException', message: "The request's source IP address is not in the allowed range" } });
    expect(await executions('ip-out')).toHaveLength(1);
  });

  it('an unknown token answers 404', async () => {
    expect(await post(`${t.emu.endpoint}/webhooks/trigger?t=nope&v=1`, '{}')).toEqual({
      status: 404,
      json: { __type: 'WebhookNotFoundException', message: 'The webhook was not found' },
    });
    expect((await post(`${t.emu.endpoint}/webhooks/trigger?t=${encodeURIComponent("x' OR 1=1 --")}&v=1`, '{}')).status).toBe(404);
  });
});

describe('webhook matching logic', () => {
  const doc = {
    ref: 'refs/heads/main',
    repository: { full_name: 'acme/app', owner: { login: 'acme' } },
    commits: [
      { id: 'a', author: { name: 'bob' }, added: ['x.js'] },
      { id: 'b', author: { name: 'eve' }, added: [] },
    ],
    'odd key': 1,
  };

  it('evaluates the JSONPath subset', () => {
    expect(evaluateJsonPath(doc, '$.ref')).toEqual(['refs/heads/main']);
    expect(evaluateJsonPath(doc, 'repository.owner.login')).toEqual(['acme']);
    expect(evaluateJsonPath(doc, "$['repository']['full_name']")).toEqual(['acme/app']);
    expect(evaluateJsonPath(doc, '$.commits[1].id')).toEqual(['b']);
    expect(evaluateJsonPath(doc, '$.commits[-1].id')).toEqual(['b']);
    expect(evaluateJsonPath(doc, '$.commits[*].id')).toEqual(['a', 'b']);
    expect(evaluateJsonPath(doc, '$.commits[0:1].id')).toEqual(['a']);
    expect(evaluateJsonPath(doc, '$..name')).toEqual(['bob', 'eve']);
    expect(evaluateJsonPath(doc, "$.commits[?(@.author.name == 'eve')].id")).toEqual(['b']);
    expect(evaluateJsonPath(doc, "$.commits[?(@.author.name != 'eve')].id")).toEqual(['a']);
    expect(evaluateJsonPath(doc, '$.commits[?(@.added[0])].id')).toEqual(['a']);
    expect(evaluateJsonPath(doc, '$.commits.length()')).toEqual([2]);
    expect(evaluateJsonPath(doc, "$['odd key']")).toEqual([1]);
    expect(evaluateJsonPath(doc, '$.missing.deeper')).toEqual([]);
  });

  it('expands {ConfigKey} placeholders, checks signatures and CIDR ranges', () => {
    expect(expandMatch('refs/heads/{Branch}', { Branch: 'main' })).toBe('refs/heads/main');
    expect(expandMatch('{Owner}/{Repo}', { Owner: 'acme' })).toBe('acme/{Repo}');
    const body = Buffer.from('{"a":1}');
    expect(validSignature('s', body, { sha256: sign('s', '{"a":1}') })).toBe(true);
    expect(validSignature('s', body, { sha256: 'sha256=zz' })).toBe(false);
    expect(validSignature('s', body, { sha1: sign('s', '{"a":1}', 'sha1') })).toBe(true);
    expect(inRange('::ffff:192.168.1.7', '192.168.0.0/16')).toBe(true);
    expect(inRange('192.169.0.1', '192.168.0.0/16')).toBe(false);
    expect(inRange('::1', '::1/128')).toBe(true);
    expect(inRange('127.0.0.1', '::1/128')).toBe(false);
  });
});
