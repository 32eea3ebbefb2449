// Operation name -> handler for every operation of CodeBuild's model: a missing, extra or misspelled one
// does not compile. Projects and builds are implemented; every other operation answers
// NotImplementedException (501) naming it.
import type { Handlers } from '../handler.js';
import { unimplemented } from '../errors.js';
import { createProject } from './createProject.js';
import { updateProject } from './updateProject.js';
import { deleteProject } from './deleteProject.js';
import { batchGetProjects } from './batchGetProjects.js';
import { listProjects } from './listProjects.js';
import { startBuild } from './startBuild.js';
import { stopBuild } from './stopBuild.js';
import { batchGetBuilds } from './batchGetBuilds.js';
import { listBuilds } from './listBuilds.js';
import { listBuildsForProject } from './listBuildsForProject.js';

export const operationHandlers: Handlers = {
  CreateProject: createProject,
  UpdateProject: updateProject,
  DeleteProject: deleteProject,
  BatchGetProjects: batchGetProjects,
  ListProjects: listProjects,
  StartBuild: startBuild,
  StopBuild: stopBuild,
  BatchGetBuilds: batchGetBuilds,
  ListBuilds: listBuilds,
  ListBuildsForProject: listBuildsForProject,
  BatchDeleteBuilds: unimplemented('BatchDeleteBuilds'),
  BatchGetBuildBatches: unimplemented('BatchGetBuildBatches'),
  BatchGetCommandExecutions: unimplemented('BatchGetCommandExecutions'),
  BatchGetFleets: unimplemented('BatchGetFleets'),
  BatchGetReportGroups: unimplemented('BatchGetReportGroups'),
  BatchGetReports: unimplemented('BatchGetReports'),
  BatchGetSandboxes: unimplemented('BatchGetSandboxes'),
  CreateFleet: unimplemented('CreateFleet'),
  CreateReportGroup: unimplemented('CreateReportGroup'),
  CreateWebhook: unimplemented('CreateWebhook'),
  DeleteBuildBatch: unimplemented('DeleteBuildBatch'),
  DeleteFleet: unimplemented('DeleteFleet'),
  DeleteReport: unimplemented('DeleteReport'),
  DeleteReportGroup: unimplemented('DeleteReportGroup'),
  DeleteResourcePolicy: unimplemented('DeleteResourcePolicy'),
  DeleteSourceCredentials: unimplemented('DeleteSourceCredentials'),
  DeleteWebhook: unimplemented('DeleteWebhook'),
  DescribeCodeCoverages: unimplemented('DescribeCodeCoverages'),
  DescribeTestCases: unimplemented('DescribeTestCases'),
  GetReportGroupTrend: unimplemented('GetReportGroupTrend'),
  GetResourcePolicy: unimplemented('GetResourcePolicy'),
  ImportSourceCredentials: unimplemented('ImportSourceCredentials'),
  InvalidateProjectCache: unimplemented('InvalidateProjectCache'),
  ListBuildBatches: unimplemented('ListBuildBatches'),
  ListBuildBatchesForProject: unimplemented('ListBuildBatchesForProject'),
  ListCommandExecutionsForSandbox: unimplemented('ListCommandExecutionsForSandbox'),
  ListCuratedEnvironmentImages: unimplemented('ListCuratedEnvironmentImages'),
  ListFleets: unimplemented('ListFleets'),
  ListReportGroups: unimplemented('ListReportGroups'),
  ListReports: unimplemented('ListReports'),
  ListReportsForReportGroup: unimplemented('ListReportsForReportGroup'),
  ListSandboxes: unimplemented('ListSandboxes'),
  ListSandboxesForProject: unimplemented('ListSandboxesForProject'),
  ListSharedProjects: unimplemented('ListSharedProjects'),
  ListSharedReportGroups: unimplemented('ListSharedReportGroups'),
  ListSourceCredentials: unimplemented('ListSourceCredentials'),
  PutResourcePolicy: unimplemented('PutResourcePolicy'),
  RetryBuild: unimplemented('RetryBuild'),
  RetryBuildBatch: unimplemented('RetryBuildBatch'),
  StartBuildBatch: unimplemented('StartBuildBatch'),
  StartCommandExecution: unimplemented('StartCommandExecution'),
  StartSandbox: unimplemented('StartSandbox'),
  StartSandboxConnection: unimplemented('StartSandboxConnection'),
  StopBuildBatch: unimplemented('StopBuildBatch'),
  StopSandbox: unimplemented('StopSandbox'),
  UpdateFleet: unimplemented('UpdateFleet'),
  UpdateProjectVisibility: unimplemented('UpdateProjectVisibility'),
  UpdateReportGroup: unimplemented('UpdateReportGroup'),
  UpdateWebhook: unimplemented('UpdateWebhook'),
};

/** The same table for the dispatcher, which looks an operation up by the name a request gives. */
export const handlers: Record<string, ((ctx: any, input: any) => unknown) | undefined> = operationHandlers;
