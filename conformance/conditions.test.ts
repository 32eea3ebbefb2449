// Stage conditions through the SDK: entry conditions (FAIL, SKIP, met, a deployment window that
// waits, overridden), success conditions that roll back, failure conditions that retry or roll back;
// ListRuleExecutions, GetPipelineState's condition states, and the local simulation endpoint.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListRuleExecutionsCommand,
  OverrideStageConditionCommand,
  PutJobSuccessResultCommand,
  RetryStageExecutionCommand,
  StartPipelineExecutionCommand,
  type Condition,
  type RuleDeclaration,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { ACCOUNT, failure, useEmulator } from './harness.js';
import {
  BUILD_TYPE,
  SOURCE_TYPE,
  buildAction,
  createCustomTypes,
  executionStatus,
  fail,
  newestExecutionId,
  pipelineOf,
  pollNow,
  stageState,
  succeed,
  takeJob,
  until,
  waitForStatus,
} from './engineKit.js';

// Monday 2030-01-07, 08:00 UTC: outside a 09:00-17:59 weekday window.
const clock = new ManualClock(Date.UTC(2030, 0, 7, 8, 0, 0));
const t = useEmulator({ clock, setup: createCustomTypes });

const rule = (name: string, provider: string, configuration: Record<string, string>): RuleDeclaration => ({
  name,
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider, version: '1' },
  configuration,
});
const envIs = (value: string) => rule('EnvCheck', 'VariableCheck', { Variable: '#{variables.Env}', Value: value, Operator: 'EQ' });
const entry = (result: Condition['result'], ...rules: RuleDeclaration[]) => ({ conditions: [{ result, rules }] });
const deployInput = { inputArtifacts: [{ name: 'SourceOut' }] };

async function create(name: string, stages: StageDeclaration[], extra: object = {}) {
  await t.cp.send(
    new CreatePipelineCommand({
      pipeline: pipelineOf(name, stages, { pipelineType: 'V2', variables: [{ name: 'Env', defaultValue: 'dev' }], ...extra }),
    }),
  );
  return newestExecutionId(t.cp, name);
}

async function execution(pipelineName: string, pipelineExecutionId: string) {
  return (await t.cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution!;
}

async function rulesOf(pipelineName: string, pipelineExecutionId?: string) {
  const out = await t.cp.send(new ListRuleExecutionsCommand({ pipelineName, ...(pipelineExecutionId && { filter: { pipelineExecutionId } }) }));
  return out.ruleExecutionDetails!;
}

async function simulate(kind: 'alarm' | 'lambda', name: string, body: unknown, init: { query?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${t.emu.endpoint}/_local/simulation/${kind}/${encodeURIComponent(name)}${init.query ?? `?account=${ACCOUNT}&region=us-east-1`}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('entry conditions', () => {
  it('FAIL: a rule that fails fails the stage and the execution, before any action runs', async () => {
    const name = 'cond-entry-fail';
    const id = await create(name, [{ name: 'Deploy', beforeEntry: entry('FAIL', envIs('prod')), actions: [buildAction('Deploy', `${name}-deploy`)] }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await waitForStatus(t.cp, name, id, 'Failed');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-deploy` })).toEqual([]);

    const rules = await rulesOf(name);
    expect(rules).toHaveLength(1);
    const r = rules[0];
    expect(r).toEqual({
      pipelineExecutionId: id,
      ruleExecutionId: expect.any(String),
      pipelineVersion: 1,
      stageName: 'Deploy',
      ruleName: 'EnvCheck',
      startTime: new Date(clock.now()),
      lastUpdateTime: new Date(clock.now()),
      status: 'Failed',
      input: {
        ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
        configuration: { Variable: '#{variables.Env}', Value: 'prod', Operator: 'EQ' },
        resolvedConfiguration: { Variable: 'dev', Value: 'prod', Operator: 'EQ' },
        region: 'us-east-1',
        inputArtifacts: [],
      },
      output: {
        executionResult: {
          externalExecutionSummary: "Variable value 'dev' does not satisfy EQ 'prod'",
          errorDetails: { code: 'RuleFailed', message: "Variable value 'dev' does not satisfy EQ 'prod'" },
        },
      },
    });

    const deploy = await stageState(t.cp, name, 'Deploy');
    expect(deploy.latestExecution).toEqual({ pipelineExecutionId: id, status: 'Failed' });
    expect(deploy.beforeEntryConditionState).toEqual({
      latestExecution: { status: 'Failed' },
      conditionStates: [
        {
          latestExecution: { status: 'Failed', lastStatusChange: new Date(clock.now()) },
          ruleStates: [
            {
              ruleName: 'EnvCheck',
              latestExecution: {
                ruleExecutionId: r.ruleExecutionId,
                status: 'Failed',
                summary: "Variable value 'dev' does not satisfy EQ 'prod'",
                lastStatusChange: new Date(clock.now()),
                errorDetails: { code: 'RuleFailed', message: "Variable value 'dev' does not satisfy EQ 'prod'" },
              },
            },
          ],
        },
      ],
    });
    expect(deploy.onSuccessConditionState).toBeUndefined();
    expect(deploy.onFailureConditionState).toBeUndefined();

    // Filters: by execution, by latest-in-execution; an unknown execution is an error.
    expect((await rulesOf(name, id)).map((x) => x.ruleExecutionId)).toEqual([r.ruleExecutionId]);
    const latest = await t.cp.send(
      new ListRuleExecutionsCommand({ pipelineName: name, filter: { latestInPipelineExecution: { pipelineExecutionId: id, startTimeRange: 'Latest' } } }),
    );
    expect(latest.ruleExecutionDetails!.map((x) => x.ruleExecutionId)).toEqual([r.ruleExecutionId]);
    const missing = await failure(rulesOf(name, '00000000-0000-0000-0000-000000000000'));
    expect(missing.name).toBe('PipelineExecutionNotFoundException');
    const noPipeline = await failure(t.cp.send(new ListRuleExecutionsCommand({ pipelineName: 'cond-nope' })));
    expect(noPipeline.name).toBe('PipelineNotFoundException');
  });

  it('SKIP: the stage is skipped and the next stage runs', async () => {
    const name = 'cond-entry-skip';
    const id = await create(name, [
      { name: 'Maybe', beforeEntry: entry('SKIP', envIs('prod')), actions: [buildAction('Maybe', `${name}-maybe`)] },
      { name: 'Final', actions: [buildAction('Final', `${name}-final`)] },
    ]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-final` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-maybe` })).toEqual([]);
    const maybe = await stageState(t.cp, name, 'Maybe');
    expect(maybe.latestExecution).toEqual({ pipelineExecutionId: id, status: 'Skipped' });
    expect(maybe.beforeEntryConditionState?.latestExecution).toEqual({ status: 'Failed' });
    expect((await rulesOf(name)).map((r) => [r.stageName, r.ruleName, r.status])).toEqual([['Maybe', 'EnvCheck', 'Failed']]);
  });

  it('met: the stage runs its actions', async () => {
    const name = 'cond-entry-met';
    const id = await create(name, [{ name: 'Deploy', beforeEntry: entry('FAIL', envIs('dev')), actions: [buildAction('Deploy', `${name}-deploy`)] }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const deploy = await stageState(t.cp, name, 'Deploy');
    expect(deploy.beforeEntryConditionState?.latestExecution).toEqual({ status: 'Succeeded' });
    expect(deploy.beforeEntryConditionState?.conditionStates?.[0].ruleStates?.map((r) => [r.ruleName, r.latestExecution?.status])).toEqual([
      ['EnvCheck', 'Succeeded'],
    ]);
    const [r] = await rulesOf(name);
    expect(r.status).toBe('Succeeded');
    expect(r.output).toEqual({ executionResult: { externalExecutionSummary: "Variable value 'dev' satisfies EQ 'dev'" } });
  });

  it('ListRuleExecutions pages with opaque tokens, newest first', async () => {
    const name = 'cond-pages';
    const rules = ['A', 'B', 'C'].map((n) => ({ ...envIs('dev'), name: n }));
    const id = await create(name, [{ name: 'Deploy', beforeEntry: entry('FAIL', ...rules), actions: [buildAction('Deploy', `${name}-deploy`)] }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const page1 = await t.cp.send(new ListRuleExecutionsCommand({ pipelineName: name, maxResults: 2 }));
    expect(page1.ruleExecutionDetails!.map((r) => r.ruleName)).toEqual(['C', 'B']);
    expect(page1.nextToken).toEqual(expect.any(String));
    const page2 = await t.cp.send(new ListRuleExecutionsCommand({ pipelineName: name, maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.ruleExecutionDetails!.map((r) => r.ruleName)).toEqual(['A']);
    expect(page2.nextToken).toBeUndefined();
    const bad = await failure(t.cp.send(new ListRuleExecutionsCommand({ pipelineName: name, nextToken: 'bm90LWEtdG9rZW4' })));
    expect(bad.name).toBe('InvalidNextTokenException');
  });

  it('a deployment window that is closed waits, and the stage proceeds once it opens', async () => {
    const name = 'cond-window';
    const window = rule('Window', 'DeploymentWindow', { Cron: '* * 9-17 ? * MON-FRI *', TimeZone: 'UTC' });
    const id = await create(name, [{ name: 'Deploy', beforeEntry: entry('FAIL', window), actions: [buildAction('Deploy', `${name}-deploy`)] }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const waiting = await until(
      () => stageState(t.cp, name, 'Deploy'),
      (s) => s.beforeEntryConditionState?.conditionStates?.[0].ruleStates?.[0].latestExecution?.status === 'InProgress',
    );
    expect(waiting.latestExecution).toEqual({ pipelineExecutionId: id, status: 'InProgress' });
    expect(waiting.beforeEntryConditionState?.latestExecution).toEqual({ status: 'InProgress' });
    expect(waiting.beforeEntryConditionState?.conditionStates?.[0].ruleStates?.[0].latestExecution?.summary).toBe(
      'Waiting for the deployment window to open at 2030-01-07T09:00:00.000Z',
    );
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-deploy` })).toEqual([]);

    clock.advance(60 * 60_000);
    t.emu.engine.runDueTimers();
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const [r] = await rulesOf(name);
    expect([r.status, r.output?.executionResult?.externalExecutionSummary]).toEqual(['Succeeded', 'The current time is within the deployment window']);
    expect(r.startTime).toEqual(new Date(Date.UTC(2030, 0, 7, 8, 0, 0)));
    expect(r.lastUpdateTime).toEqual(new Date(Date.UTC(2030, 0, 7, 9, 0, 0)));
  });
});

describe('OverrideStageCondition', () => {
  // A window that opens only on 1 January 2031: the entry condition waits for the whole test.
  const closed = () => rule('Window', 'DeploymentWindow', { Cron: '* 0 0 1 JAN ? 2031', TimeZone: 'UTC' });

  it('lets an execution past an entry condition that is waiting, and only the latest one', async () => {
    const name = 'cond-override';
    const id = await create(name, [{ name: 'Deploy', beforeEntry: entry('FAIL', closed()), actions: [buildAction('Deploy', `${name}-deploy`)] }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await until(
      () => stageState(t.cp, name, 'Deploy'),
      (s) => s.beforeEntryConditionState?.latestExecution?.status === 'InProgress',
    );

    // Errors first, while the condition waits.
    const base = { pipelineName: name, stageName: 'Deploy', pipelineExecutionId: id, conditionType: 'BEFORE_ENTRY' as const };
    const noSuccess = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, conditionType: 'ON_SUCCESS' })));
    expect([noSuccess.name, noSuccess.$metadata.httpStatusCode]).toEqual(['ConditionNotOverridableException', 400]);
    expect(noSuccess.message).toBe(`Unable to override the success condition of stage 'Deploy' for pipeline execution '${id}': the condition is not being evaluated`);
    expect((await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, stageName: 'Nope' })))).name).toBe('StageNotFoundException');
    expect((await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, pipelineName: 'cond-nope' })))).name).toBe('PipelineNotFoundException');
    const noExec = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, pipelineExecutionId: '00000000-0000-0000-0000-000000000000' })));
    expect(noExec.name).toBe('PipelineExecutionNotFoundException');
    const invalid = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, conditionType: 'ON_FAILURE' as never })));
    expect(invalid.name).toBe('ValidationException');

    expect(await t.cp.send(new OverrideStageConditionCommand(base))).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const deploy = await stageState(t.cp, name, 'Deploy');
    expect(deploy.beforeEntryConditionState?.latestExecution).toEqual({ status: 'Overridden' });
    expect(deploy.beforeEntryConditionState?.conditionStates?.[0].latestExecution?.status).toBe('Overridden');
    expect(deploy.beforeEntryConditionState?.conditionStates?.[0].ruleStates?.[0].latestExecution?.status).toBe('Abandoned');
    expect((await rulesOf(name)).map((r) => r.status)).toEqual(['Abandoned']);
    const again = await failure(t.cp.send(new OverrideStageConditionCommand(base)));
    expect([again.name, again.message]).toEqual([
      'ConditionNotOverridableException',
      `Unable to override the entry condition of stage 'Deploy' for pipeline execution '${id}': the condition has already been overridden`,
    ]);

    // A later execution waits at the stage: the first one is no longer the latest there.
    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await until(
      () => stageState(t.cp, name, 'Deploy'),
      (s) => s.latestExecution?.pipelineExecutionId === second && s.beforeEntryConditionState?.latestExecution?.status === 'InProgress',
    );
    const old = await failure(t.cp.send(new OverrideStageConditionCommand(base)));
    expect(old.name).toBe('NotLatestPipelineExecutionException');
    await t.cp.send(new OverrideStageConditionCommand({ ...base, pipelineExecutionId: second }));
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, second, 'Succeeded');
  });

  it('refuses an entry condition whose result is SKIP; a failed one, once overridden, lets the stage run', async () => {
    const name = 'cond-override-skip';
    const id = await create(name, [
      { name: 'Maybe', beforeEntry: entry('SKIP', closed()), actions: [buildAction('Maybe', `${name}-maybe`)] },
      { name: 'Gate', beforeEntry: entry('FAIL', envIs('prod')), actions: [buildAction('Gate', `${name}-gate`)] },
    ]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await until(
      () => stageState(t.cp, name, 'Maybe'),
      (s) => s.beforeEntryConditionState?.latestExecution?.status === 'InProgress',
    );
    const base = { pipelineName: name, pipelineExecutionId: id, conditionType: 'BEFORE_ENTRY' as const };
    const skip = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, stageName: 'Maybe' })));
    expect([skip.name, skip.message]).toEqual([
      'ConditionNotOverridableException',
      `Unable to override the entry condition of stage 'Maybe' for pipeline execution '${id}': a condition with the result SKIP cannot be overridden`,
    ]);
    // The Gate stage has not been reached yet.
    const notYet = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, stageName: 'Gate' })));
    expect([notYet.name, notYet.message]).toEqual([
      'ConditionNotOverridableException',
      `Unable to override the entry condition of stage 'Gate' for pipeline execution '${id}': the condition is not being evaluated`,
    ]);
    // Let the window pass: the SKIP condition is met, so Maybe runs; Gate's entry condition then fails.
    clock.advance(Date.UTC(2031, 0, 1) - clock.now());
    t.emu.engine.runDueTimers();
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-maybe` });
    await waitForStatus(t.cp, name, id, 'Failed');
    // AWS: a condition that blocks an execution by failing its evaluation can be overridden.
    await t.cp.send(new OverrideStageConditionCommand({ ...base, stageName: 'Gate' }));
    expect(await executionStatus(t.cp, name, id)).toBe('InProgress');
    expect((await stageState(t.cp, name, 'Gate')).beforeEntryConditionState?.latestExecution?.status).toBe('Overridden');
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-gate` });
    await waitForStatus(t.cp, name, id, 'Succeeded');
    const again = await failure(t.cp.send(new OverrideStageConditionCommand({ ...base, stageName: 'Gate' })));
    expect([again.name, again.message]).toEqual([
      'ConditionNotOverridableException',
      `Unable to override the entry condition of stage 'Gate' for pipeline execution '${id}': the condition has already been overridden`,
    ]);
  });
});

describe('success conditions', () => {
  it('an alarm in ALARM fails the stage and rolls it back to the last execution that succeeded there', async () => {
    const name = 'cond-success-alarm';
    const alarm = `${name}-alarm`;
    const first = await create(name, [
      {
        name: 'Deploy',
        actions: [buildAction('Deploy', `${name}-deploy`, deployInput)],
        onSuccess: { conditions: [{ result: 'ROLLBACK', rules: [rule('Alarm', 'CloudWatchAlarm', { AlarmName: alarm })] }] },
      },
    ]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const job1 = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, first, 'Succeeded');
    expect((await stageState(t.cp, name, 'Deploy')).onSuccessConditionState?.latestExecution).toEqual({ status: 'Succeeded' });

    expect(await simulate('alarm', alarm, { state: 'ALARM' })).toEqual({
      status: 200,
      json: { kind: 'alarm', name: alarm, account: ACCOUNT, region: 'us-east-1', state: 'ALARM' },
    });
    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const job2 = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, second, 'Failed');
    expect(job2.data!.inputArtifacts).not.toEqual(job1.data!.inputArtifacts);
    const [alarmRule] = await rulesOf(name, second);
    expect([alarmRule.ruleName, alarmRule.status, alarmRule.output?.executionResult?.externalExecutionSummary]).toEqual([
      'Alarm',
      'Failed',
      `Alarm '${alarm}' is in state ALARM`,
    ]);

    // The rollback execution: the stage runs again with the first execution's artifacts.
    await simulate('alarm', alarm, { state: 'OK' });
    const rollbackId = await until(
      () => newestExecutionId(t.cp, name),
      (id) => id !== second,
    );
    const rollback = await execution(name, rollbackId);
    expect(rollback.executionType).toBe('ROLLBACK');
    expect(rollback.rollbackMetadata).toEqual({ rollbackTargetPipelineExecutionId: first });
    expect(rollback.trigger?.triggerType).toBe('AutomatedRollback');
    const job3 = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    expect(job3.data!.pipelineContext!.pipelineExecutionId).toBe(rollbackId);
    expect(job3.data!.inputArtifacts).toEqual(job1.data!.inputArtifacts);
    await waitForStatus(t.cp, name, rollbackId, 'Succeeded');
    const summaries = (await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries!;
    expect(summaries.map((s) => [s.pipelineExecutionId, s.status, s.executionType])).toEqual([
      [rollbackId, 'Succeeded', 'ROLLBACK'],
      [second, 'Failed', 'STANDARD'],
      [first, 'Succeeded', 'STANDARD'],
    ]);
    expect((await stageState(t.cp, name, 'Deploy')).latestExecution).toEqual({ pipelineExecutionId: rollbackId, status: 'Succeeded', type: 'ROLLBACK' });
    // The source stage did not run again.
    expect(await pollNow(t.cp, SOURCE_TYPE, { Repo: name })).toEqual([]);
  });

  it('a Lambda rule reports the simulated outcome', async () => {
    const name = 'cond-success-lambda';
    const fn = `${name}-fn`;
    expect(await simulate('lambda', fn, { status: 'Failed', summary: 'smoke test failed' })).toMatchObject({ status: 200 });
    const id = await create(name, [
      {
        name: 'Deploy',
        actions: [buildAction('Deploy', `${name}-deploy`)],
        onSuccess: { conditions: [{ result: 'FAIL', rules: [rule('Smoke', 'LambdaInvoke', { FunctionName: fn })] }] },
      },
    ]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, id, 'Failed');
    const [r] = await rulesOf(name);
    expect([r.ruleName, r.status, r.output?.executionResult?.externalExecutionSummary]).toEqual(['Smoke', 'Failed', 'smoke test failed']);
  });
});

describe('failure conditions', () => {
  it('RETRY retries the failed stage once, automatically', async () => {
    const name = 'cond-failure-retry';
    const stages: StageDeclaration[] = [
      { name: 'Build', actions: [buildAction('Build', `${name}-build`)], onFailure: { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } } },
    ];
    const first = await create(name, stages);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await fail(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await waitForStatus(t.cp, name, first, 'Succeeded');
    expect((await stageState(t.cp, name, 'Build')).retryStageMetadata).toEqual({
      autoStageRetryAttempt: 1,
      manualStageRetryAttempt: 0,
      latestRetryTrigger: 'AutomatedStageRetry',
    });

    // Only once: a second failure fails the stage.
    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await fail(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await fail(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await waitForStatus(t.cp, name, second, 'Failed');
    expect(await pollNow(t.cp, BUILD_TYPE, { Project: `${name}-build` })).toEqual([]);
    // A manual retry afterwards is counted apart.
    await t.cp.send(new RetryStageExecutionCommand({ pipelineName: name, stageName: 'Build', pipelineExecutionId: second, retryMode: 'FAILED_ACTIONS' }));
    await succeed(t.cp, BUILD_TYPE, { Project: `${name}-build` });
    await waitForStatus(t.cp, name, second, 'Succeeded');
    expect((await stageState(t.cp, name, 'Build')).retryStageMetadata).toEqual({
      autoStageRetryAttempt: 1,
      manualStageRetryAttempt: 1,
      latestRetryTrigger: 'ManualStageRetry',
    });
  });

  it('ROLLBACK rolls the failed stage back to the last execution that succeeded there', async () => {
    const name = 'cond-failure-rollback';
    const first = await create(name, [{ name: 'Deploy', actions: [buildAction('Deploy', `${name}-deploy`, deployInput)], onFailure: { result: 'ROLLBACK' } }]);
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    const job1 = await succeed(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, first, 'Succeeded');
    const second = (await t.cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
    await succeed(t.cp, SOURCE_TYPE, { Repo: name });
    await fail(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    await waitForStatus(t.cp, name, second, 'Failed');
    const job3 = await takeJob(t.cp, BUILD_TYPE, { Project: `${name}-deploy` });
    const rollbackId = job3.data!.pipelineContext!.pipelineExecutionId!;
    expect(job3.data!.inputArtifacts).toEqual(job1.data!.inputArtifacts);
    const rollback = await execution(name, rollbackId);
    expect([rollback.executionType, rollback.rollbackMetadata, rollback.trigger?.triggerType]).toEqual([
      'ROLLBACK',
      { rollbackTargetPipelineExecutionId: first },
      'AutomatedRollback',
    ]);
    await t.cp.send(new PutJobSuccessResultCommand({ jobId: job3.id }));
    await waitForStatus(t.cp, name, rollbackId, 'Succeeded');
  });
});

describe('local simulation endpoint', () => {
  it('takes the account and region from the SigV4 scope, and validates bodies', async () => {
    const auth = { authorization: `AWS4-HMAC-SHA256 Credential=210987654321/20300107/eu-west-1/codepipeline/aws4_request, SignedHeaders=host, Signature=x` };
    expect(await simulate('lambda', 'fn', { status: 'Succeeded' }, { query: '', headers: auth })).toEqual({
      status: 200,
      json: { kind: 'lambda', name: 'fn', account: '210987654321', region: 'eu-west-1', status: 'Succeeded' },
    });
    const read = await fetch(`${t.emu.endpoint}/_local/simulation/lambda/fn?account=210987654321&region=eu-west-1`);
    expect([read.status, await read.json()]).toEqual([200, { kind: 'lambda', name: 'fn', account: '210987654321', region: 'eu-west-1', status: 'Succeeded' }]);
    const unset = await fetch(`${t.emu.endpoint}/_local/simulation/alarm/never-set?account=${ACCOUNT}&region=us-east-1`);
    expect(unset.status).toBe(404);

    const badState = await simulate('alarm', 'a', { state: 'RED' });
    expect(badState).toEqual({ status: 400, json: { __type: 'ValidationException', message: 'state must be one of ALARM, OK, INSUFFICIENT_DATA' } });
    const badStatus = await simulate('lambda', 'f', { status: 'Done' });
    expect(badStatus).toEqual({ status: 400, json: { __type: 'ValidationException', message: 'status must be one of Succeeded, Failed' } });
    const extra = await simulate('alarm', 'a', { state: 'OK', color: 'red' });
    expect(extra).toEqual({ status: 400, json: { __type: 'ValidationException', message: "Unknown field 'color'; expected state" } });
    const notJson = await simulate('alarm', 'a', '{');
    expect(notJson).toEqual({ status: 400, json: { __type: 'SerializationException', message: 'The request body is not valid JSON' } });
    const badAccount = await simulate('alarm', 'a', { state: 'OK' }, { query: '?account=12&region=us-east-1' });
    expect(badAccount).toEqual({ status: 400, json: { __type: 'ValidationException', message: 'account must be 12 digits' } });
  });
});
