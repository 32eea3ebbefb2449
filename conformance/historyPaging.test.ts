// Paging a pipeline's history page by page gives exactly the sequence of one big page (newest first,
// runs started in the same millisecond in a stable order), and a nextToken stays valid while new
// executions start between pages: ListActionExecutions and ListRuleExecutions read each page from an
// index after the token's item, ListPipelineExecutions after the token's execution.
import { describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListRuleExecutionsCommand,
  type CodePipelineClient,
  type RuleDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ManualClock } from '../src/util/manualClock.js';
import { encodeToken } from '../src/util/pagination.js';
import { expectAwsError, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, pipelineOf, startExecution, succeed, waitForStatus } from './engineKit.js';

// Time stands still: every run starts in the same millisecond, so only the tie-break orders them.
const clock = new ManualClock(Date.UTC(2030, 0, 7, 8, 0, 0));
const t = useEmulator({ clock, setup: createCustomTypes });

const rule = (name: string): RuleDeclaration => ({
  name,
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
  configuration: { Variable: '#{variables.Env}', Value: 'dev', Operator: 'EQ' },
});

/** Source, then a stage of two parallel builds behind an entry condition of two rules. */
async function create(cp: CodePipelineClient, name: string) {
  await cp.send(
    new CreatePipelineCommand({
      pipeline: pipelineOf(
        name,
        [
          {
            name: 'Build',
            beforeEntry: { conditions: [{ result: 'FAIL', rules: [rule('R1'), rule('R2')] }] },
            actions: [buildAction('B1', `${name}-b`, { inputArtifacts: [{ name: 'SourceOut' }] }), buildAction('B2', `${name}-b`, { inputArtifacts: [{ name: 'SourceOut' }] })],
          },
        ],
        { pipelineType: 'V2', variables: [{ name: 'Env', defaultValue: 'dev' }] },
      ),
    }),
  );
}

async function runOnce(cp: CodePipelineClient, name: string) {
  const job = await succeed(cp, SOURCE_TYPE, { Repo: name });
  await succeed(cp, BUILD_TYPE, { Project: `${name}-b` });
  await succeed(cp, BUILD_TYPE, { Project: `${name}-b` });
  const id = job.data!.pipelineContext!.pipelineExecutionId!;
  await waitForStatus(t.cp, name, id, 'Succeeded');
  return id;
}

type Lister = (nextToken: string | undefined, maxResults: number) => Promise<{ ids: string[]; nextToken?: string }>;

const actions =
  (name: string): Lister =>
  async (nextToken, maxResults) => {
    const out = await t.cp.send(new ListActionExecutionsCommand({ pipelineName: name, maxResults, nextToken }));
    return { ids: out.actionExecutionDetails!.map((a) => a.actionExecutionId!), nextToken: out.nextToken };
  };
const rules =
  (name: string): Lister =>
  async (nextToken, maxResults) => {
    const out = await t.cp.send(new ListRuleExecutionsCommand({ pipelineName: name, maxResults, nextToken }));
    return { ids: out.ruleExecutionDetails!.map((a) => a.ruleExecutionId!), nextToken: out.nextToken };
  };
const executions =
  (name: string): Lister =>
  async (nextToken, maxResults) => {
    const out = await t.cp.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults, nextToken }));
    return { ids: out.pipelineExecutionSummaries!.map((a) => a.pipelineExecutionId!), nextToken: out.nextToken };
  };

async function walk(list: Lister, maxResults: number): Promise<string[]> {
  const seen: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await list(token, maxResults);
    seen.push(...page.ids);
    token = page.nextToken;
    if (!token) return seen;
  }
  throw new Error('more than 100 pages');
}

describe('paging history', () => {
  it('every page size walks the same sequence as one page, newest execution first, and tokens survive new executions', async () => {
    const name = 'paged';
    await create(t.cp, name);
    const runs = [await runOnce(t.cp, name)];
    for (let i = 0; i < 3; i++) {
      await startExecution(t.cp, name);
      runs.push(await runOnce(t.cp, name));
    }
    const byExecution = async (ids: string[]) => {
      const all = (await t.cp.send(new ListActionExecutionsCommand({ pipelineName: name }))).actionExecutionDetails!;
      return ids.map((id) => all.find((a) => a.actionExecutionId === id)!.pipelineExecutionId);
    };
    for (const [list, perRun] of [[actions(name), 3], [rules(name), 2], [executions(name), 1]] as const) {
      const whole = (await list(undefined, 100)).ids;
      expect(whole).toHaveLength(runs.length * perRun);
      expect(new Set(whole).size).toBe(whole.length);
      for (const size of [1, 2, 3, 5]) expect(await walk(list, size)).toEqual(whole);

      // A page taken, then a new execution, then the rest: exactly what remained.
      const first = await list(undefined, 4);
      await startExecution(t.cp, name);
      runs.push(await runOnce(t.cp, name));
      let rest: string[] = [];
      let token = first.nextToken;
      while (token) {
        const page = await list(token, 3);
        rest = [...rest, ...page.ids];
        token = page.nextToken;
      }
      expect([...first.ids, ...rest]).toEqual(whole);
    }
    // Action executions come newest execution first (a run's actions together).
    const newest = (await actions(name)(undefined, 100)).ids;
    expect(await byExecution(newest)).toEqual([...runs].reverse().flatMap((r) => [r, r, r]));
  });

  it("a token naming another pipeline's item, or none, is InvalidNextTokenException", async () => {
    await create(t.cp, 'other');
    await runOnce(t.cp, 'other');
    const foreignAction = (await actions('other')(undefined, 1)).ids[0];
    const foreignRule = (await rules('other')(undefined, 1)).ids[0];
    await expectAwsError(t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'paged', nextToken: encodeToken(foreignAction) })), 'InvalidNextTokenException');
    await expectAwsError(t.cp.send(new ListRuleExecutionsCommand({ pipelineName: 'paged', nextToken: encodeToken(foreignRule) })), 'InvalidNextTokenException');
    await expectAwsError(t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'paged', nextToken: encodeToken('nope') })), 'InvalidNextTokenException');
    await expectAwsError(t.cp.send(new ListActionExecutionsCommand({ pipelineName: 'paged', nextToken: 'not-a-token' })), 'InvalidNextTokenException');
  });
});
