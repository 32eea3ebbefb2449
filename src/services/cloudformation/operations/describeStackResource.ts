import type { Handler } from '../model/types.js';
import { requireStack } from '../stacks.js';
import { resourceMetadata, resourceRow } from '../views.js';

export const describeStackResource: Handler<'DescribeStackResource'> = (ctx, input) => {
  const s = requireStack(ctx, input.StackName);
  const r = resourceRow(s, input.LogicalResourceId);
  const metadata = resourceMetadata(s, r.logicalId);
  return {
    StackResourceDetail: {
      StackName: s.stackName,
      StackId: s.stackId,
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      LastUpdatedTimestamp: r.time,
      ResourceStatus: r.status,
      ...(r.reason !== undefined && { ResourceStatusReason: r.reason }),
      ...(metadata !== undefined && { Metadata: metadata }),
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    },
  };
};
