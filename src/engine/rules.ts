// Rule evaluation for stage conditions. VariableCheck and DeploymentWindow are evaluated for real;
// CloudWatchAlarm and LambdaInvoke read local simulation settings (alarm states, Lambda outcomes)
// that a user sets through the /_local/simulation endpoint.
import type { RuleDeclaration } from '@aws-sdk/client-codepipeline';
import type { Store } from '../store/index.js';
import type { ExecutionRow } from '../store/executions.js';
import { CronError, cronMatches, nextMatch, parseCron } from './cron.js';
import { resolveConfiguration, type VariableScope } from './variables.js';

export interface RuleOutcome {
  status: 'Succeeded' | 'Failed' | 'InProgress';
  summary: string;
  /** For InProgress: when to evaluate again. */
  recheckAt?: number;
}

export interface RuleContext {
  store: Store;
  exec: ExecutionRow;
  now: number;
  /** When this rule execution started (WaitTime counts from it). */
  started: number;
  scope: VariableScope;
}

const COMPARE: Record<string, (a: string, b: string) => boolean> = {
  EQ: (a, b) => a === b,
  NE: (a, b) => a !== b,
  CONTAINS: (a, b) => a.includes(b),
  MATCHES: (a, b) => new RegExp(b).test(a),
  GT: (a, b) => Number(a) > Number(b),
  GE: (a, b) => Number(a) >= Number(b),
  LT: (a, b) => Number(a) < Number(b),
  LE: (a, b) => Number(a) <= Number(b),
};

function variableCheck(config: Record<string, string>): RuleOutcome {
  const op = COMPARE[config.Operator];
  if (!op) return { status: 'Failed', summary: `Unsupported operator '${config.Operator}'` };
  const ok = op(config.Variable ?? '', config.Value ?? '');
  return { status: ok ? 'Succeeded' : 'Failed', summary: `Variable value '${config.Variable}' ${ok ? 'satisfies' : 'does not satisfy'} ${config.Operator} '${config.Value}'` };
}

function deploymentWindow(config: Record<string, string>, now: number): RuleOutcome {
  const timeZone = config.TimeZone ?? 'UTC';
  try {
    const cron = parseCron(config.Cron ?? '');
    if (cronMatches(cron, now, timeZone)) return { status: 'Succeeded', summary: 'The current time is within the deployment window' };
    const next = nextMatch(cron, now, timeZone);
    if (next === undefined) return { status: 'Failed', summary: 'The deployment window never opens within the next year' };
    return { status: 'InProgress', summary: `Waiting for the deployment window to open at ${new Date(next).toISOString()}`, recheckAt: next };
  } catch (e) {
    if (e instanceof CronError || e instanceof RangeError) return { status: 'Failed', summary: e.message };
    throw e;
  }
}

interface AlarmState {
  state: string;
}

function cloudWatchAlarm(ctx: RuleContext, config: Record<string, string>): RuleOutcome {
  const names = (config.AlarmName ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const watched = (config.AlarmStates ?? 'ALARM').split(',').map((s) => s.trim());
  const firing = names.find((n) => watched.includes(ctx.store.rules.simulation<AlarmState>(ctx.exec, 'alarm', n)?.state ?? 'OK'));
  if (firing) return { status: 'Failed', summary: `Alarm '${firing}' is in state ${ctx.store.rules.simulation<AlarmState>(ctx.exec, 'alarm', firing)!.state}` };
  const waitMs = Number(config.WaitTime ?? 0) * 60_000;
  if (waitMs > 0 && ctx.now < ctx.started + waitMs)
    return { status: 'InProgress', summary: `Monitoring alarms for ${config.WaitTime} minutes`, recheckAt: ctx.started + waitMs };
  return { status: 'Succeeded', summary: 'No watched alarm is in a watched state' };
}

interface LambdaOutcome {
  status: 'Succeeded' | 'Failed';
  summary?: string;
}

function lambdaInvoke(ctx: RuleContext, config: Record<string, string>): RuleOutcome {
  const sim = ctx.store.rules.simulation<LambdaOutcome>(ctx.exec, 'lambda', config.FunctionName ?? '');
  if (!sim) return { status: 'Succeeded', summary: `Function '${config.FunctionName}' (simulated) returned success` };
  return { status: sim.status, summary: sim.summary ?? `Function '${config.FunctionName}' (simulated) returned ${sim.status}` };
}

/** Evaluates one rule once; `config` is the rule's configuration with variables resolved. */
export function evaluateRule(ctx: RuleContext, rule: RuleDeclaration, config: Record<string, string>): RuleOutcome {
  switch (rule.ruleTypeId?.provider) {
    case 'VariableCheck':
      return variableCheck(config);
    case 'DeploymentWindow':
      return deploymentWindow(config, ctx.now);
    case 'CloudWatchAlarm':
      return cloudWatchAlarm(ctx, config);
    case 'LambdaInvoke':
      return lambdaInvoke(ctx, config);
    default:
      return { status: 'Failed', summary: `codepipeline-local does not evaluate the rule provider ${rule.ruleTypeId?.provider} yet` };
  }
}

export { resolveConfiguration };
