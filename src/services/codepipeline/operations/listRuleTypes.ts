// ListRuleTypes: AWS's rule types for stage conditions; the same in every region AWS offers them.
import { AWS_RULE_TYPES } from '../catalog/ruleTypes.js';
import type { Handler } from '../handler.js';

export const listRuleTypes: Handler<'ListRuleTypes'> = (_ctx, input) => {
  const owner = input.ruleOwnerFilter;
  return { ruleTypes: AWS_RULE_TYPES.filter((t) => owner === undefined || t.id!.owner === owner) };
};
