// Stage conditions (V2): which results each condition type allows, and that every rule names a rule
// type AWS offers with its required configuration; a DeploymentWindow's cron must parse.
import type { Valid } from '../model/types.js';
import { AWS_RULE_TYPES } from '../catalog/ruleTypes.js';
import { CronError, parseCron } from '../../../engine/cron.js';
import { stagesOf, structure, type Declaration, type Stage } from './walk.js';

type Condition = Valid<'Condition'>;

/** Results AWS allows per kind of condition (the user guide's "Configure conditions for a stage"). */
const RESULTS = {
  beforeEntry: ['FAIL', 'SKIP'],
  onSuccess: ['ROLLBACK', 'FAIL'],
  onFailure: ['ROLLBACK', 'FAIL', 'RETRY', 'SKIP'],
} as const;

type Kind = keyof typeof RESULTS;

function conditionsOf(stage: Stage): [Kind, Condition[]][] {
  return [
    ['beforeEntry', stage.beforeEntry?.conditions ?? []],
    ['onSuccess', stage.onSuccess?.conditions ?? []],
    ['onFailure', stage.onFailure?.conditions ?? []],
  ];
}

export function checkConditions(decl: Declaration): void {
  for (const stage of stagesOf(decl)) {
    const failure = stage.onFailure?.result;
    if (failure && !(RESULTS.onFailure as readonly string[]).includes(failure))
      throw structure(`Stage '${stage.name}': the onFailure result ${failure} is not supported`);
    if (failure === 'RETRY' && stage.onFailure?.conditions?.length)
      throw structure(`Stage '${stage.name}': automatic stage retry cannot be used with onFailure conditions`);
    for (const [kind, conditions] of conditionsOf(stage)) {
      for (const condition of conditions) {
        if (condition.result && !(RESULTS[kind] as readonly string[]).includes(condition.result))
          throw structure(`Stage '${stage.name}': a ${kind} condition cannot have the result ${condition.result}`);
        for (const rule of condition.rules ?? []) checkRule(stage, rule);
      }
    }
    if (decl.executionMode === 'PARALLEL' && stage.onSuccess?.conditions?.some((c) => c.result === 'ROLLBACK'))
      throw structure(`Stage '${stage.name}' is configured to roll back on success conditions. Rollback is not supported for pipelines in PARALLEL execution mode`);
  }
}

function checkRule(stage: Stage, rule: Valid<'RuleDeclaration'>) {
  const id = rule.ruleTypeId;
  const type = id.owner === 'AWS' || id.owner === undefined ? AWS_RULE_TYPES.find((t) => t.id?.provider === id.provider && t.id?.version === id.version) : undefined;
  if (!type)
    throw structure(`Rule '${rule.name}' in stage '${stage.name}': rule type (Category: 'Rule', Owner: '${id.owner ?? 'AWS'}', Provider: '${id.provider}', Version: '${id.version}') is not available`);
  const config = rule.configuration ?? {};
  const missing = (type.ruleConfigurationProperties ?? []).find((p) => p.required && config[p.name!] === undefined);
  if (missing) throw structure(`Rule '${rule.name}' in stage '${stage.name}' is missing the required configuration '${missing.name}'`);
  const known = new Set((type.ruleConfigurationProperties ?? []).map((p) => p.name));
  const unknown = Object.keys(config).find((k) => !known.has(k));
  if (unknown) throw structure(`Rule '${rule.name}' in stage '${stage.name}' has the unknown configuration '${unknown}'`);
  if (id.provider === 'Commands' && !rule.commands?.length) throw structure(`Rule '${rule.name}' in stage '${stage.name}' must have a non-empty commands field`);
  if (id.provider === 'DeploymentWindow' && !config.Cron.includes('#{')) {
    try {
      parseCron(config.Cron);
    } catch (e) {
      if (!(e instanceof CronError)) throw e;
      throw structure(`Rule '${rule.name}' in stage '${stage.name}': ${e.message}`);
    }
  }
}
