// The CloudFormation operations the emulator serves; the model's others (stack sets, drift, the
// registry, imports...) answer NotImplemented.
import type { Handlers } from '../model/types.js';
import { createChangeSet } from './createChangeSet.js';
import { createStack } from './createStack.js';
import { deleteChangeSet } from './deleteChangeSet.js';
import { deleteStack } from './deleteStack.js';
import { describeChangeSet } from './describeChangeSet.js';
import { describeStackEvents } from './describeStackEvents.js';
import { describeStackResource } from './describeStackResource.js';
import { describeStackResources } from './describeStackResources.js';
import { describeStacks } from './describeStacks.js';
import { executeChangeSet } from './executeChangeSet.js';
import { getTemplate } from './getTemplate.js';
import { getTemplateSummary } from './getTemplateSummary.js';
import { listChangeSets } from './listChangeSets.js';
import { listExports } from './listExports.js';
import { listStackResources } from './listStackResources.js';
import { listStacks } from './listStacks.js';
import { updateStack } from './updateStack.js';
import { validateTemplate } from './validateTemplate.js';

export const handlers: Handlers = {
  CreateStack: createStack,
  UpdateStack: updateStack,
  DeleteStack: deleteStack,
  DescribeStacks: describeStacks,
  ListStacks: listStacks,
  DescribeStackEvents: describeStackEvents,
  DescribeStackResource: describeStackResource,
  DescribeStackResources: describeStackResources,
  ListStackResources: listStackResources,
  GetTemplate: getTemplate,
  GetTemplateSummary: getTemplateSummary,
  ValidateTemplate: validateTemplate,
  CreateChangeSet: createChangeSet,
  DescribeChangeSet: describeChangeSet,
  ExecuteChangeSet: executeChangeSet,
  DeleteChangeSet: deleteChangeSet,
  ListChangeSets: listChangeSets,
  ListExports: listExports,
};
