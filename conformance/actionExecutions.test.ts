// ListActionExecutions: action execution history with inputs (resolved configuration, artifact
// locations) and outputs (results, output variables), newest first, filtered and paginated.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionExecutionDetail,
  type ListActionExecutionsInput,
} from '@aws-sdk/client-codepipeline';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  approvalAction,
  approvalToken,
  buildAction,
  createCustomTypes,
  newestExecutionId,
  pipelineOf,
  succeed,
  takeJob,
  until,
  waitForStatus,
} from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

const list = (input: Omit<ListActionExecutionsInput, 'pipelineName'> = {}, pipelineName = 'ae-vars') =>
  t.cp.send(new ListActionExecutionsCommand({ pipelineName, ...input }));

const s3 = (loc: { bucketName?: string; objectKey?: string } | undefined) => ({ bucket: loc?.bucketName, key: loc?.objectKey });

describe('ListActionExecutions', () => {
  let first: string;
  let second: string;
  let sourceJobOutput: { bucket?: string; key?: string };
  let buildJobOutput: { bucket?: string; key?: string };

  beforeAll(async () => {
    const decl = pipelineOf('ae-vars', [
      {
        name: 'Build',
        actions: [
          buildAction('Build', 'ae-vars', {
            configuration: { Project: 'ae-vars', Flags: 'commit=#{SourceVars.CommitId} run=#{codepipeline.PipelineExecutionId}' },
            inputArtifacts: [{ name: 'SourceOut' }],
            outputArtifacts: [{ name: 'BuildOut' }],
          }),
        ],
      },
    ]);
    decl.stages![0].actions![0].namespace = 'SourceVars';
    await t.cp.send(new CreatePipelineCommand({ pipeline: decl }));
    first = await newestExecutionId(t.cp, 'ae-vars');
    const source = await succeed(t.cp, SOURCE_TYPE, { Repo: 'ae-vars' }, {
      outputVariables: { CommitId: 'abc123' },
      executionDetails: { externalExecutionId: 'src-1', summary: 'fetched abc123' },
    });
    sourceJobOutput = s3(source.data?.outputArtifacts?.[0].location?.s3Location);
  });

  it('shows a running action with its resolved configuration and no outputs yet', async () => {
    const out = await until(() => list(), (o) => o.actionExecutionDetails?.length === 2);
    expect(out.nextToken).toBeUndefined();
    const [build, source] = out.actionExecutionDetails!;
    expect(build).toEqual({
      pipelineExecutionId: first,
      actionExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      pipelineVersion: 1,
      stageName: 'Build',
      actionName: 'Build',
      startTime: expect.any(Date),
      lastUpdateTime: expect.any(Date),
      status: 'InProgress',
      input: {
        actionTypeId: BUILD_TYPE,
        configuration: { Project: 'ae-vars', Flags: 'commit=#{SourceVars.CommitId} run=#{codepipeline.PipelineExecutionId}' },
        resolvedConfiguration: { Project: 'ae-vars', Flags: `commit=abc123 run=${first}` },
        region: 'us-east-1',
        inputArtifacts: [{ name: 'SourceOut', s3location: sourceJobOutput }],
      },
      output: { outputArtifacts: [], outputVariables: {} },
    } satisfies ActionExecutionDetail);
    expect(source).toEqual({
      pipelineExecutionId: first,
      actionExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      pipelineVersion: 1,
      stageName: 'Source',
      actionName: 'Source',
      startTime: expect.any(Date),
      lastUpdateTime: expect.any(Date),
      status: 'Succeeded',
      input: {
        actionTypeId: SOURCE_TYPE,
        configuration: { Repo: 'ae-vars' },
        resolvedConfiguration: { Repo: 'ae-vars' },
        region: 'us-east-1',
        inputArtifacts: [],
        namespace: 'SourceVars',
      },
      output: {
        outputArtifacts: [{ name: 'SourceOut', s3location: sourceJobOutput }],
        executionResult: { externalExecutionId: 'src-1', externalExecutionSummary: 'fetched abc123' },
        outputVariables: { CommitId: 'abc123' },
      },
    } satisfies ActionExecutionDetail);
    expect(sourceJobOutput.bucket).toBe('local-artifacts');
    expect(sourceJobOutput.key).toMatch(/^ae-vars\/SourceOut\/[A-Za-z0-9]{7}$/);
  });

  it('shows the finished action with its output artifacts and result', async () => {
    const job = await takeJob(t.cp, BUILD_TYPE, { Project: 'ae-vars' });
    expect(job.data?.actionConfiguration?.configuration?.Flags).toBe(`commit=abc123 run=${first}`);
    buildJobOutput = s3(job.data?.outputArtifacts?.[0].location?.s3Location);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job.id, executionDetails: { externalExecutionId: 'build-1', summary: 'built' } }));
    await waitForStatus(t.cp, 'ae-vars', first, 'Succeeded');
    const [build] = (await list()).actionExecutionDetails!;
    expect(build.status).toBe('Succeeded');
    expect(build.lastUpdateTime!.getTime()).toBeGreaterThanOrEqual(build.startTime!.getTime());
    expect(build.output).toEqual({
      outputArtifacts: [{ name: 'BuildOut', s3location: buildJobOutput }],
      executionResult: { externalExecutionId: 'build-1', externalExecutionSummary: 'built' },
      outputVariables: {},
    });
  });

  it('lists newest first across executions, and filters by pipeline execution', async () => {
    second = (await t.cp.send(new StartPipelineExecutionCommand({ name: 'ae-vars' }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'ae-vars' }, { outputVariables: { CommitId: 'def456' } });
    await succeed(t.cp, BUILD_TYPE, { Project: 'ae-vars' });
    await waitForStatus(t.cp, 'ae-vars', second, 'Succeeded');

    const all = (await list()).actionExecutionDetails!;
    expect(all.map((d) => [d.pipelineExecutionId, d.actionName])).toEqual([
      [second, 'Build'],
      [second, 'Source'],
      [first, 'Build'],
      [first, 'Source'],
    ]);
    expect(all[0].input?.resolvedConfiguration?.Flags).toBe(`commit=def456 run=${second}`);

    const onlyFirst = (await list({ filter: { pipelineExecutionId: first } })).actionExecutionDetails!;
    expect(onlyFirst).toEqual(all.slice(2));
    const latest = (await list({ filter: { latestInPipelineExecution: { pipelineExecutionId: second, startTimeRange: 'All' } } })).actionExecutionDetails!;
    expect(latest).toEqual(all.slice(0, 2));
  });

  it('paginates with opaque tokens, maxResults at a time', async () => {
    const all = (await list()).actionExecutionDetails!;
    const seen: ActionExecutionDetail[] = [];
    const tokens: (string | undefined)[] = [];
    let nextToken: string | undefined;
    do {
      const page = await list({ maxResults: 3, nextToken });
      expect(page.actionExecutionDetails!.length).toBeLessThanOrEqual(3);
      seen.push(...page.actionExecutionDetails!);
      nextToken = page.nextToken;
      tokens.push(nextToken);
    } while (nextToken && seen.length < 10);
    expect(seen).toEqual(all);
    expect(tokens).toEqual([expect.any(String), undefined]);

    const filtered = await list({ filter: { pipelineExecutionId: first }, maxResults: 1 });
    expect(filtered.actionExecutionDetails!.map((d) => d.actionName)).toEqual(['Build']);
    const rest = await list({ filter: { pipelineExecutionId: first }, maxResults: 1, nextToken: filtered.nextToken });
    expect(rest.actionExecutionDetails!.map((d) => d.actionName)).toEqual(['Source']);
    expect(rest.nextToken).toBeUndefined();
  });

  it('fills updatedBy with the approver of a manual approval', async () => {
    await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf('ae-approval', [{ name: 'Gate', actions: [approvalAction()] }]) }));
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'ae-approval' });
    const token = await approvalToken(t.cp, 'ae-approval', 'Gate', 'Approve');
    await t.cp.send(new PutApprovalResultCommand({ pipelineName: 'ae-approval', stageName: 'Gate', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ok' } }));
    const out = await until(
      () => list({}, 'ae-approval'),
      (o) => o.actionExecutionDetails?.[0].status === 'Succeeded',
    );
    const [approve, source] = out.actionExecutionDetails!;
    expect(approve.updatedBy).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(source.updatedBy).toBeUndefined();
  });

  describe('errors', () => {
    it('PipelineNotFoundException for an unknown pipeline', async () => {
      const e = await failure(list({}, 'ae-nope'));
      expect(e.name).toBe('PipelineNotFoundException');
      expect(e.message).toBe(`Account '${ACCOUNT}' does not have a pipeline with name 'ae-nope'`);
      expect(e.$metadata.httpStatusCode).toBe(400);
    });

    it('PipelineExecutionNotFoundException for an unknown execution in the filter', async () => {
      const id = '00000000-0000-0000-0000-000000000000';
      for (const filter of [{ pipelineExecutionId: id }, { latestInPipelineExecution: { pipelineExecutionId: id, startTimeRange: 'Latest' as const } }]) {
        const e = await failure(list({ filter }));
        expect(e.name).toBe('PipelineExecutionNotFoundException');
        expect(e.message).toBe(`Pipeline execution with id '${id}' does not exist in pipeline with name 'ae-vars'.`);
        expect(e.$metadata.httpStatusCode).toBe(400);
      }
    });

    it('InvalidNextTokenException for a token it did not issue', async () => {
      for (const nextToken of ['not-a-token', Buffer.from(JSON.stringify({ c: 'gone' })).toString('base64url')]) {
        const e = await failure(list({ nextToken }));
        expect(e.name).toBe('InvalidNextTokenException');
        expect(e.message).toBe('The next token was specified in an invalid format.');
      }
    });

    it('ValidationException for maxResults out of range', async () => {
      const e = await failure(list({ maxResults: 101 }));
      expect(e.name).toBe('ValidationException');
      expect(e.$metadata.httpStatusCode).toBe(400);
    });
  });
});
