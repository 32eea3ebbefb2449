// Action types through the SDK: AWS's catalog, custom action types (create, list, delete, reuse
// rules, limits, tags, isolation), GetActionType / UpdateActionType and pagination.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreateCustomActionTypeCommand,
  DeleteCustomActionTypeCommand,
  GetActionTypeCommand,
  ListActionTypesCommand,
  UpdateActionTypeCommand,
  type ActionType,
  type CreateCustomActionTypeInput,
} from '@aws-sdk/client-codepipeline';
import { AWS_ACTION_TYPES } from '../src/services/codepipeline/catalog/awsActionTypes.js';
import { ACTION_TYPES_PAGE_SIZE } from '../src/services/codepipeline/operations/listActionTypes.js';
import { MAX_CUSTOM_ACTION_TYPES } from '../src/services/codepipeline/catalog/customActionTypes.js';
import { ACCOUNT, client, expectAwsError, useEmulator } from './harness.js';

const t = useEmulator();

const find = (types: ActionType[] | undefined, category: string, provider: string) =>
  types?.find((t) => t.id?.category === category && t.id?.provider === provider);

const jenkins = (version: string, extra: Partial<CreateCustomActionTypeInput> = {}): CreateCustomActionTypeInput => ({
  category: 'Build',
  provider: 'Jenkins',
  version,
  settings: { entityUrlTemplate: 'http://jenkins/job/{Config:ProjectName}' },
  configurationProperties: [{ name: 'ProjectName', required: true, key: true, secret: false, queryable: true, type: 'String' }],
  inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
  ...extra,
});

describe('the AWS catalog', () => {
  it('lists AWS-owned action types with their artifact counts and configuration', async () => {
    const out = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'AWS' }));
    expect(out.actionTypes?.every((t) => t.id?.owner === 'AWS')).toBe(true);
    expect(out.nextToken).toBeUndefined();
    expect(find(out.actionTypes, 'Source', 'S3')).toEqual({
      id: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
      actionConfigurationProperties: [
        { name: 'S3Bucket', required: true, key: true, secret: false, queryable: false },
        { name: 'S3ObjectKey', required: true, key: true, secret: false, queryable: false },
        { name: 'PollForSourceChanges', required: false, key: false, secret: false, queryable: false },
        { name: 'AllowOverrideForS3ObjectKey', required: false, key: false, secret: false, queryable: false },
      ],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
    });
    const counts = (c: string, p: string) => {
      const t = find(out.actionTypes, c, p)!;
      return [t.inputArtifactDetails, t.outputArtifactDetails].map((d) => [d!.minimumCount, d!.maximumCount]);
    };
    expect(counts('Build', 'CodeBuild')).toEqual([[1, 5], [0, 5]]);
    expect(counts('Test', 'CodeBuild')).toEqual([[1, 5], [0, 5]]);
    expect(counts('Approval', 'Manual')).toEqual([[0, 0], [0, 0]]);
    expect(counts('Deploy', 'CloudFormation')).toEqual([[0, 10], [0, 1]]);
    expect(counts('Invoke', 'Lambda')).toEqual([[0, 5], [0, 5]]);
    expect(counts('Compute', 'Commands')).toEqual([[1, 10], [0, 1]]);
    expect(find(out.actionTypes, 'Build', 'CodeBuild')?.settings?.entityUrlTemplate).toContain('{Config:ProjectName}');
  });

  it('lists ThirdParty action types with secrets marked', async () => {
    const out = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'ThirdParty' }));
    expect(out.actionTypes?.map((t) => `${t.id?.category}/${t.id?.provider}`)).toEqual(['Source/GitHub', 'Deploy/AlexaSkillsKit']);
    const github = find(out.actionTypes, 'Source', 'GitHub')!;
    expect(github.actionConfigurationProperties?.find((p) => p.name === 'OAuthToken')).toEqual({
      name: 'OAuthToken',
      required: true,
      key: true,
      secret: true,
      queryable: false,
    });
  });

  it('gets an AWS action type in its declaration form', async () => {
    const out = await t.cp.send(new GetActionTypeCommand({ category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' }));
    expect(out.actionType).toEqual({
      executor: { type: 'JobWorker', configuration: {} },
      id: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
      properties: [
        { name: 'FunctionName', optional: false, key: true, noEcho: false, queryable: false },
        { name: 'UserParameters', optional: true, key: false, noEcho: false, queryable: false },
      ],
    });
  });

  it('answers ActionTypeNotFoundException for an unknown action type', async () => {
    await expectAwsError(
      t.cp.send(new GetActionTypeCommand({ category: 'Build', owner: 'AWS', provider: 'Nope', version: '1' })),
      'ActionTypeNotFoundException',
      "ActionType (Category: 'Build', Owner: 'AWS', Provider: 'Nope', Version: '1') is not available",
    );
  });

  it('rejects a Custom owner in GetActionType as the model does', async () => {
    await expectAwsError(
      t.cp.send(new GetActionTypeCommand({ category: 'Build', owner: 'Custom', provider: 'Jenkins', version: '1' })),
      'ValidationException',
    );
  });

  it('does not let a caller update an AWS action type', async () => {
    const { actionType } = await t.cp.send(new GetActionTypeCommand({ category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' }));
    await expectAwsError(t.cp.send(new UpdateActionTypeCommand({ actionType })), 'RequestFailedException');
    await expectAwsError(
      t.cp.send(new UpdateActionTypeCommand({ actionType: { ...actionType!, id: { ...actionType!.id!, provider: 'Unknown' } } })),
      'ActionTypeNotFoundException',
    );
  });
});

describe('custom action types', () => {
  it('creates a custom action type and returns it with its tags', async () => {
    const out = await t.cp.send(new CreateCustomActionTypeCommand({ ...jenkins('1'), tags: [{ key: 'team', value: 'ci' }] }));
    expect(out.actionType).toEqual({
      id: { category: 'Build', owner: 'Custom', provider: 'Jenkins', version: '1' },
      settings: { entityUrlTemplate: 'http://jenkins/job/{Config:ProjectName}' },
      actionConfigurationProperties: [{ name: 'ProjectName', required: true, key: true, secret: false, queryable: true, type: 'String' }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    });
    expect(out.tags).toEqual([{ key: 'team', value: 'ci' }]);
    const arn = `arn:aws:codepipeline:us-east-1:${ACCOUNT}:actiontype:Custom/Build/Jenkins/1`;
    expect(t.emu.store.tags.list(arn)).toEqual([{ key: 'team', value: 'ci' }]);
    const list = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(list.actionTypes).toEqual([out.actionType]);
  });

  it('rejects a second custom action type with the same id', async () => {
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('1'))),
      'ActionTypeAlreadyExistsException',
      "ActionType (Category: 'Build', Owner: 'Custom', Provider: 'Jenkins', Version: '1') already exists",
    );
  });

  it('rejects configuration properties AWS does not accept', async () => {
    const prop = { name: 'A', required: true, key: true, secret: false };
    const twoQueryable = [
      { ...prop, queryable: true },
      { ...prop, name: 'B', queryable: true },
    ];
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad1', { configurationProperties: twoQueryable }))),
      'ValidationException',
      'An action type can have at most one queryable configuration property',
    );
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad2', { configurationProperties: [{ ...prop, required: false, queryable: true }] }))),
      'ValidationException',
      "Queryable configuration property 'A' must be required and must not be secret",
    );
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad3', { configurationProperties: [{ ...prop, secret: true, queryable: true }] }))),
      'ValidationException',
    );
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad4', { configurationProperties: [prop, prop] }))),
      'ValidationException',
      "Configuration property 'A' is declared more than once",
    );
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad5', { inputArtifactDetails: { minimumCount: 3, maximumCount: 1 } }))),
      'ValidationException',
      'inputArtifactDetails: minimumCount 3 is greater than maximumCount 1',
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ ...prop, name: `P${i}` }));
    await expectAwsError(t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad6', { configurationProperties: eleven }))), 'ValidationException');
    await expectAwsError(
      t.cp.send(new CreateCustomActionTypeCommand(jenkins('bad7', { tags: [{ key: 'aws:x', value: 'y' }] }))),
      'InvalidTagsException',
    );
    const list = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(list.actionTypes?.map((t) => t.id?.version)).toEqual(['1']);
  });

  it('deletes a custom action type and its tags; a deleted version is only restorable as it was', async () => {
    await t.cp.send(new CreateCustomActionTypeCommand({ ...jenkins('2'), tags: [{ key: 'k', value: 'v' }] }));
    await t.cp.send(new DeleteCustomActionTypeCommand({ category: 'Build', provider: 'Jenkins', version: '2' }));
    expect(t.emu.store.tags.list(`arn:aws:codepipeline:us-east-1:${ACCOUNT}:actiontype:Custom/Build/Jenkins/2`)).toEqual([]);
    const list = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(list.actionTypes?.map((t) => t.id?.version)).toEqual(['1']);

    await expectAwsError(
      t.cp.send(new DeleteCustomActionTypeCommand({ category: 'Build', provider: 'Jenkins', version: '2' })),
      'ActionTypeNotFoundException',
      "ActionType (Category: 'Build', Owner: 'Custom', Provider: 'Jenkins', Version: '2') is not available",
    );
    const changed = jenkins('2', { outputArtifactDetails: { minimumCount: 0, maximumCount: 1 } });
    await expectAwsError(t.cp.send(new CreateCustomActionTypeCommand(changed)), 'ValidationException');

    await t.cp.send(new CreateCustomActionTypeCommand(jenkins('2')));
    const again = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(again.actionTypes?.map((t) => t.id?.version)).toEqual(['1', '2']);
  });

  it('keeps custom action types per account and region', async () => {
    const other = client(t.emu.endpoint, { accessKeyId: '210987654321' });
    expect((await other.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes).toEqual([]);
    await expectAwsError(other.send(new DeleteCustomActionTypeCommand({ category: 'Build', provider: 'Jenkins', version: '1' })), 'ActionTypeNotFoundException');

    const eu = client(t.emu.endpoint, { region: 'eu-west-1' });
    expect((await eu.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes).toEqual([]);
    await eu.send(new CreateCustomActionTypeCommand(jenkins('1', { provider: 'EuOnly' })));
    const fromUs = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom', regionFilter: 'eu-west-1' }));
    expect(fromUs.actionTypes?.map((t) => t.id?.provider)).toEqual(['EuOnly']);
    const usOnly = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }));
    expect(usOnly.actionTypes?.map((t) => t.id?.provider)).toEqual(['Jenkins', 'Jenkins']);
  });

  it(`pages the list and limits an account to ${MAX_CUSTOM_ACTION_TYPES} custom action types`, async () => {
    const busy = client(t.emu.endpoint, { accessKeyId: '333333333333' });
    for (let i = 0; i < MAX_CUSTOM_ACTION_TYPES; i++) await busy.send(new CreateCustomActionTypeCommand(jenkins(`v${i}`)));
    await expectAwsError(busy.send(new CreateCustomActionTypeCommand(jenkins('one-more'))), 'LimitExceededException');

    const seen: ActionType[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await busy.send(new ListActionTypesCommand({ nextToken }));
      expect(out.actionTypes!.length).toBeLessThanOrEqual(ACTION_TYPES_PAGE_SIZE);
      seen.push(...out.actionTypes!);
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(Math.ceil((AWS_ACTION_TYPES.length + MAX_CUSTOM_ACTION_TYPES) / ACTION_TYPES_PAGE_SIZE));
    expect(seen.length).toBe(AWS_ACTION_TYPES.length + MAX_CUSTOM_ACTION_TYPES);
    expect(seen.filter((t) => t.id?.owner === 'Custom').length).toBe(MAX_CUSTOM_ACTION_TYPES);

    await expectAwsError(busy.send(new ListActionTypesCommand({ nextToken: 'garbage' })), 'InvalidNextTokenException');
  });
});

describe('registered ThirdParty action types', () => {
  const id = { category: 'Deploy' as const, owner: 'ThirdParty' as const, provider: 'AcmeDeploy', version: '1' };

  beforeAll(() => {
    // AWS registers third-party action types privately; the emulator's store is the way in.
    t.emu.store.actionTypes.create(
      { account: ACCOUNT, region: 'us-east-1' },
      {
        type: {
          id,
          settings: { thirdPartyConfigurationUrl: 'https://acme.example/setup', entityUrlTemplate: 'https://acme.example/{Config:App}' },
          actionConfigurationProperties: [
            { name: 'App', required: true, key: true, secret: false, queryable: true, type: 'String' },
            { name: 'Token', required: false, key: false, secret: true, queryable: false },
          ],
          inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        },
      },
      Date.now(),
    );
  });

  it('shows the same action type in both forms', async () => {
    const got = await t.cp.send(new GetActionTypeCommand(id));
    expect(got.actionType).toEqual({
      executor: { type: 'JobWorker', configuration: {} },
      id,
      inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      properties: [
        { name: 'App', optional: false, key: true, noEcho: false, queryable: true },
        { name: 'Token', optional: true, key: false, noEcho: true, queryable: false },
      ],
      urls: { configurationUrl: 'https://acme.example/setup', entityUrlTemplate: 'https://acme.example/{Config:App}' },
    });
    const list = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'ThirdParty' }));
    expect(find(list.actionTypes, 'Deploy', 'AcmeDeploy')?.settings?.thirdPartyConfigurationUrl).toBe('https://acme.example/setup');
  });

  it('updates it, keeping what only the list form says', async () => {
    const { actionType } = await t.cp.send(new GetActionTypeCommand(id));
    const updated = {
      ...actionType!,
      description: 'Deploys with Acme',
      executor: {
        type: 'Lambda' as const,
        configuration: { lambdaExecutorConfiguration: { lambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:acme' } },
      },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
    };
    await t.cp.send(new UpdateActionTypeCommand({ actionType: updated }));
    expect((await t.cp.send(new GetActionTypeCommand(id))).actionType).toEqual(updated);
    const list = await t.cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'ThirdParty' }));
    const listed = find(list.actionTypes, 'Deploy', 'AcmeDeploy')!;
    expect(listed.outputArtifactDetails).toEqual({ minimumCount: 0, maximumCount: 1 });
    expect(listed.actionConfigurationProperties?.[0].type).toBe('String');

    const twoQueryable = { ...updated, properties: updated.properties!.map((p) => ({ ...p, optional: false, noEcho: false, queryable: true })) };
    await expectAwsError(t.cp.send(new UpdateActionTypeCommand({ actionType: twoQueryable })), 'ValidationException');
  });

  it('is not visible to another account', async () => {
    const other = client(t.emu.endpoint, { accessKeyId: '210987654321' });
    await expectAwsError(other.send(new GetActionTypeCommand(id)), 'ActionTypeNotFoundException');
  });
});
