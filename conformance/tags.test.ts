// Tagging through the SDK: TagResource / UntagResource / ListTagsForResource on pipelines, webhooks
// and custom action types; AWS's tag rules; ARN checks; account and region isolation.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DeleteWebhookCommand,
  ListTagsForResourceCommand,
  PutWebhookCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type Tag,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, client, expectAwsError, useEmulator } from './harness.js';
import { samplePipeline } from './fixtures.js';

const OTHER_ACCOUNT = '210987654321';
const arnOf = (name: string, region = 'us-east-1', account = ACCOUNT) => `arn:aws:codepipeline:${region}:${account}:${name}`;
const tagsN = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));
const SYSTEM_TAGS_MESSAGE =
  "Not allowed to modify system tags. System tags start with 'aws:'. msg=[Caller is an end user and not allowed to mutate system tags]";

const t = useEmulator();

const listTags = async (arn: string, c = t.cp) => (await c.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;

describe('pipeline tags', () => {
  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('tagged'), tags: [{ key: 'team', value: 'a' }] }));
  });

  it('lists the tags given at creation', async () => {
    expect(await listTags(arnOf('tagged'))).toEqual([{ key: 'team', value: 'a' }]);
  });

  it('adds and overwrites tags, keeping the order in which keys were first added', async () => {
    await t.cp.send(
      new TagResourceCommand({
        resourceArn: arnOf('tagged'),
        tags: [
          { key: 'env', value: 'dev' },
          { key: 'team', value: 'b' },
        ],
      }),
    );
    expect(await listTags(arnOf('tagged'))).toEqual([
      { key: 'team', value: 'b' },
      { key: 'env', value: 'dev' },
    ]);
  });

  it('removes tags by key and ignores keys the resource does not have', async () => {
    await t.cp.send(new UntagResourceCommand({ resourceArn: arnOf('tagged'), tagKeys: ['env', 'absent'] }));
    expect(await listTags(arnOf('tagged'))).toEqual([{ key: 'team', value: 'b' }]);
  });

  it('paginates with maxResults and nextToken', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('paged-tags'), tags: tagsN(5) }));
    const arn = arnOf('paged-tags');
    const first = await t.cp.send(new ListTagsForResourceCommand({ resourceArn: arn, maxResults: 2 }));
    expect(first.tags?.map((t) => t.key)).toEqual(['k0', 'k1']);
    const second = await t.cp.send(new ListTagsForResourceCommand({ resourceArn: arn, maxResults: 2, nextToken: first.nextToken }));
    expect(second.tags?.map((t) => t.key)).toEqual(['k2', 'k3']);
    const third = await t.cp.send(new ListTagsForResourceCommand({ resourceArn: arn, maxResults: 2, nextToken: second.nextToken }));
    expect(third.tags?.map((t) => t.key)).toEqual(['k4']);
    expect(third.nextToken).toBeUndefined();
    await expectAwsError(
      t.cp.send(new ListTagsForResourceCommand({ resourceArn: arn, nextToken: 'garbage' })),
      'InvalidNextTokenException',
      'The next token was specified in an invalid format.',
    );
  });

  it('drops the tags with the pipeline', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('short-lived'), tags: [{ key: 'x', value: '1' }] }));
    await t.cp.send(new DeletePipelineCommand({ name: 'short-lived' }));
    await expectAwsError(listTags(arnOf('short-lived')), 'ResourceNotFoundException');
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('short-lived') }));
    expect(await listTags(arnOf('short-lived'))).toEqual([]);
  });
});

describe('tag rules', () => {
  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('rules') }));
  });

  it("rejects keys with AWS's reserved prefix on tag, untag and create", async () => {
    const arn = arnOf('rules');
    const tag = t.cp.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'aws:owner', value: 'x' }] }));
    await expectAwsError(tag, 'InvalidTagsException', SYSTEM_TAGS_MESSAGE);
    const untag = t.cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['aws:owner'] }));
    await expectAwsError(untag, 'InvalidTagsException', SYSTEM_TAGS_MESSAGE);
    await expectAwsError(
      t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('rules-2'), tags: [{ key: 'aws:x', value: '' }] })),
      'InvalidTagsException',
      SYSTEM_TAGS_MESSAGE,
    );
  });

  it('rejects a key given twice in one request', async () => {
    await expectAwsError(
      t.cp.send(
        new TagResourceCommand({
          resourceArn: arnOf('rules'),
          tags: [
            { key: 'd', value: '1' },
            { key: 'd', value: '2' },
          ],
        }),
      ),
      'InvalidTagsException',
      "Duplicate tag key 'd' in the request",
    );
  });

  it('allows 50 tags per resource and counts overwritten keys once', async () => {
    const arn = arnOf('rules');
    await t.cp.send(new TagResourceCommand({ resourceArn: arn, tags: tagsN(50) }));
    await t.cp.send(new TagResourceCommand({ resourceArn: arn, tags: tagsN(50).map((t) => ({ ...t, value: 'again' })) }));
    expect(await listTags(arn)).toHaveLength(50);
    await expectAwsError(
      t.cp.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'one-more', value: '' }] })),
      'TooManyTagsException',
      `Tag limit exceeded for resource [${arn}].`,
    );
    expect(await listTags(arn)).toHaveLength(50);
  });

  it('rejects more than 50 tags at creation', async () => {
    await expectAwsError(t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('rules-3'), tags: tagsN(51) })), 'TooManyTagsException');
  });

  it('leaves key and value lengths to the model', async () => {
    await expectAwsError(
      t.cp.send(new TagResourceCommand({ resourceArn: arnOf('rules'), tags: [{ key: 'k', value: 'v'.repeat(257) }] })),
      'ValidationException',
    );
  });
});

describe('resource ARNs', () => {
  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('mine'), tags: [{ key: 'owner', value: 'me' }] }));
  });

  it('answers ValidationException for an ARN outside the model pattern', async () => {
    await expectAwsError(listTags('not-an-arn'), 'ValidationException');
    await expectAwsError(listTags(`arn:aws:s3:us-east-1:${ACCOUNT}:bucket`), 'ValidationException');
  });

  it('answers InvalidArnException for a CodePipeline ARN naming no kind of resource', async () => {
    for (const resource of ['thing:x', 'bad name', 'webhook:', 'actiontype:Custom/Build', 'actiontype:Custom/Nope/P/1']) {
      const arn = arnOf(resource);
      await expectAwsError(listTags(arn), 'InvalidArnException', `The ARN '${arn}' is not a valid CodePipeline resource ARN`);
    }
  });

  it('answers ResourceNotFoundException for a missing pipeline', async () => {
    await expectAwsError(
      t.cp.send(new TagResourceCommand({ resourceArn: arnOf('ghost'), tags: [{ key: 'a', value: 'b' }] })),
      'ResourceNotFoundException',
      `The account with id '${ACCOUNT}' does not include a pipeline with the name 'ghost'`,
    );
    await expectAwsError(t.cp.send(new UntagResourceCommand({ resourceArn: arnOf('ghost'), tagKeys: ['a'] })), 'ResourceNotFoundException');
  });

  it("does not reach another account's or region's pipeline", async () => {
    await expectAwsError(listTags(arnOf('mine', 'eu-west-1')), 'ResourceNotFoundException');
    await expectAwsError(listTags(arnOf('mine', 'us-east-1', OTHER_ACCOUNT)), 'ResourceNotFoundException');
    const other = client(t.emu.endpoint, { accessKeyId: OTHER_ACCOUNT });
    await expectAwsError(listTags(arnOf('mine'), other), 'ResourceNotFoundException');
    await expectAwsError(
      other.send(new TagResourceCommand({ resourceArn: arnOf('mine'), tags: [{ key: 'owner', value: 'them' }] })),
      'ResourceNotFoundException',
      `The account with id '${OTHER_ACCOUNT}' does not include a pipeline with the name 'mine'`,
    );
    // The same name in another region is another pipeline, with its own tags.
    const west = client(t.emu.endpoint, { region: 'eu-west-1' });
    await west.send(new CreatePipelineCommand({ pipeline: samplePipeline('mine') }));
    expect(await listTags(arnOf('mine', 'eu-west-1'), west)).toEqual([]);
    expect(await listTags(arnOf('mine'))).toEqual([{ key: 'owner', value: 'me' }]);
  });
});

describe('webhook tags', () => {
  const webhookArn = (name: string) => arnOf(`webhook:${name}`);
  const putHook = (name: string, tags?: Tag[]) =>
    t.cp.send(
      new PutWebhookCommand({
        webhook: {
          name,
          targetPipeline: 'hooked',
          targetAction: 'Source',
          filters: [],
          authentication: 'UNAUTHENTICATED',
          authenticationConfiguration: {},
        },
        tags,
      }),
    );

  beforeAll(async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: samplePipeline('hooked') }));
  });

  it('tags a webhook by its ARN', async () => {
    await putHook('tagged-hook', [{ key: 'a', value: '1' }]);
    await t.cp.send(new TagResourceCommand({ resourceArn: webhookArn('tagged-hook'), tags: [{ key: 'b', value: '2' }] }));
    await t.cp.send(new UntagResourceCommand({ resourceArn: webhookArn('tagged-hook'), tagKeys: ['a'] }));
    expect(await listTags(webhookArn('tagged-hook'))).toEqual([{ key: 'b', value: '2' }]);
  });

  it('drops the tags with the webhook', async () => {
    await putHook('gone-hook', [{ key: 'a', value: '1' }]);
    await t.cp.send(new DeleteWebhookCommand({ name: 'gone-hook' }));
    await expectAwsError(
      listTags(webhookArn('gone-hook')),
      'ResourceNotFoundException',
      `The account with id '${ACCOUNT}' does not include a webhook with the name 'gone-hook'`,
    );
    await putHook('gone-hook');
    expect(await listTags(webhookArn('gone-hook'))).toEqual([]);
  });
});

describe('custom action type tags', () => {
  const id = { category: 'Build', owner: 'Custom', provider: 'LocalBuilder', version: '1' } as const;
  const arn = arnOf('actiontype:Custom/Build/LocalBuilder/1');
  const scope = { account: ACCOUNT, region: 'us-east-1' };

  beforeAll(() => {
    // Seeded through the store, as embedders do; CreateCustomActionType is another module's concern.
    t.emu.store.actionTypes.create(
      scope,
      {
        type: {
          id,
          settings: {},
          actionConfigurationProperties: [],
          inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        },
      },
      Date.now(),
    );
  });

  it('tags a custom action type by its ARN', async () => {
    await t.cp.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'kind', value: 'builder' }] }));
    expect(await listTags(arn)).toEqual([{ key: 'kind', value: 'builder' }]);
  });

  it('answers ResourceNotFoundException for a missing or deleted action type', async () => {
    await expectAwsError(
      listTags(arnOf('actiontype:Custom/Build/LocalBuilder/2')),
      'ResourceNotFoundException',
      `The account with id '${ACCOUNT}' does not include an action type with the name 'Custom/Build/LocalBuilder/2'`,
    );
    t.emu.store.actionTypes.markDeleted(scope, id, Date.now());
    await expectAwsError(listTags(arn), 'ResourceNotFoundException');
  });
});
