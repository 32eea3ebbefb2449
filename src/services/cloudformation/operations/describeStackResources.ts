import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { allStacks, requireStack, type ApiStack } from '../stacks.js';
import { resourceRows } from '../views.js';

/** The resources of a stack (named, or holding the physical id), optionally only one logical id. */
export const describeStackResources: Handler<'DescribeStackResources'> = (ctx, input) => {
  let s: ApiStack | undefined;
  if (input.StackName !== undefined) s = requireStack(ctx, input.StackName);
  else if (input.PhysicalResourceId !== undefined) {
    s = allStacks(ctx).find((x) => x.status !== 'DELETE_COMPLETE' && x.resources.some((r) => r.physicalId === input.PhysicalResourceId));
    if (!s) throw validationError(`Stack for ${input.PhysicalResourceId} does not exist`);
  } else throw validationError('Either StackName or PhysicalResourceId must be specified.');
  const stack = s;
  const rows = resourceRows(stack).filter((r) => input.LogicalResourceId === undefined || r.logicalId === input.LogicalResourceId);
  return {
    StackResources: rows.map((r) => ({
      StackName: stack.stackName,
      StackId: stack.stackId,
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      Timestamp: r.time,
      ResourceStatus: r.status,
      ...(r.reason !== undefined && { ResourceStatusReason: r.reason }),
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    })),
  };
};
