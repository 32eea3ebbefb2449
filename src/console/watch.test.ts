// The terminal view of `watch`: parallel actions bracketed, a disabled transition with its reason, a
// stage holding another execution, a stage condition and its rules, colours only on a terminal.
import { describe, expect, it } from 'vitest';
import { drawPipeline } from './watch.js';

const action = (name: string, provider: string, runOrder?: number) => ({ name, actionTypeId: { category: 'Build', owner: 'AWS', provider, version: '1' }, ...(runOrder && { runOrder }) });
const declaration = {
  name: 'app',
  stages: [
    { name: 'Source', actions: [action('Src', 'CodeCommit')] },
    { name: 'Test', actions: [action('Unit', 'CodeBuild', 1), action('Lint', 'CodeBuild', 1), action('E2E', 'Commands', 1), action('Report', 'CodeBuild', 2)] },
    { name: 'Deploy', actions: [action('Ship', 'S3')] },
  ],
};
const state = {
  stageStates: [
    { stageName: 'Source', latestExecution: { pipelineExecutionId: 'e1', status: 'Succeeded' }, actionStates: [{ actionName: 'Src', latestExecution: { status: 'Succeeded', summary: 'First line\nsecond line' } }] },
    {
      stageName: 'Test',
      latestExecution: { pipelineExecutionId: 'e1', status: 'InProgress' },
      actionStates: [
        { actionName: 'Unit', latestExecution: { status: 'Succeeded', externalExecutionUrl: 'http://127.0.0.1:4596/_logs/x' } },
        { actionName: 'Lint', latestExecution: { status: 'InProgress' } },
        { actionName: 'E2E', latestExecution: { status: 'Failed', summary: 'boom' } },
      ],
    },
    {
      stageName: 'Deploy',
      inboundTransitionState: { enabled: false, disabledReason: 'Freeze' },
      latestExecution: { pipelineExecutionId: 'e0', status: 'Succeeded' },
      actionStates: [],
      beforeEntryConditionState: { latestExecution: { status: 'Overridden' }, conditionStates: [{ ruleStates: [{ ruleName: 'Window', latestExecution: { status: 'Abandoned', summary: 'Closed\nuntil Monday' } }] }] },
    },
  ],
};

describe('drawPipeline', () => {
  it('draws stages, run orders side by side, transitions and the execution each stage holds', () => {
    expect(drawPipeline(declaration, state, { pipelineExecutionId: 'e1', status: 'InProgress' })).toBe(
      [
        'app  execution e1  InProgress',
        '',
        ' Source  Succeeded',
        '   ─ Src (CodeCommit)  Succeeded  First line',
        '   ↓',
        ' Test  InProgress',
        '   ┌ Unit (CodeBuild)  Succeeded  http://127.0.0.1:4596/_logs/x',
        '   ├ Lint (CodeBuild)  InProgress',
        '   └ E2E (Commands)  Failed  boom',
        "   ─ Report (CodeBuild)  Didn't run",
        '   ✕ transition disabled: Freeze',
        ' Deploy  Succeeded  (execution e0)',
        '   entry condition  Overridden  Window Abandoned (Closed)',
        "   ─ Ship (S3)  Didn't run",
        '',
      ].join('\n'),
    );
  });

  it('colours statuses only on a terminal', () => {
    const tty = drawPipeline(declaration, state, { pipelineExecutionId: 'e1', status: 'Failed', statusSummary: 'E2E failed' }, true);
    expect(tty.split('\n')[0]).toBe('app  execution e1  \x1b[31mFailed\x1b[0m  E2E failed');
    expect(tty).toContain('Lint (CodeBuild)  \x1b[36mInProgress\x1b[0m');
  });
});
