// ListRuleExecutions: the rule executions of a pipeline's stage conditions, newest first, optionally
// those of one execution (or only each rule's latest run in it).
import type { RuleExecutionDetail } from '@aws-sdk/client-codepipeline';
import type { ExecutionRow } from '../../../store/executions.js';
import type { RuleExecutionRow } from '../../../store/ruleExecutions.js';
import type { Handler } from '../handler.js';
import { historyPage } from '../historyListing.js';

export const listRuleExecutions: Handler<'ListRuleExecutions'> = (ctx, input) => {
  const { page, nextToken } = historyPage(ctx, input, {
    ofPipeline: (after, limit) => ctx.store.rules.ofPipeline(ctx, input.pipelineName, after, limit),
    ofExecution: (id) => ctx.store.rules.ofExecution(id),
    sameRun: (r) => `${r.stage}\u0000${r.conditionType}\u0000${r.conditionIndex}\u0000${r.rule}`,
  });
  return {
    ruleExecutionDetails: page.map(({ run, execution }) => detail(run, execution)),
    ...(nextToken && { nextToken }),
  };
};

function detail(r: RuleExecutionRow, exec: ExecutionRow): RuleExecutionDetail {
  return {
    pipelineExecutionId: r.executionId,
    ruleExecutionId: r.id,
    pipelineVersion: exec.pipelineVersion,
    stageName: r.stage,
    ruleName: r.rule,
    startTime: new Date(r.started),
    lastUpdateTime: new Date(r.updated),
    status: r.status,
    input: r.input,
    output: r.output ?? {},
  };
}
