import type { Handler } from '../model/types.js';
import { pageOf } from '../paging.js';
import { requireStack } from '../stacks.js';
import { resourceRows } from '../views.js';

export const listStackResources: Handler<'ListStackResources'> = (ctx, input) => {
  const s = requireStack(ctx, input.StackName);
  const { page, NextToken } = pageOf(resourceRows(s), 100, input.NextToken);
  return {
    StackResourceSummaries: page.map((r) => ({
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      LastUpdatedTimestamp: r.time,
      ResourceStatus: r.status,
      ...(r.reason !== undefined && { ResourceStatusReason: r.reason }),
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    })),
    ...(NextToken && { NextToken }),
  };
};
