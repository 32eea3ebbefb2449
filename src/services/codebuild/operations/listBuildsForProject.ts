// ListBuildsForProject: the build ids of one project (stored, configured locally, or with builds).
import { projectArn } from '../../../builds/projectDocument.js';
import { projectNotFound } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageOfIds } from './buildPages.js';

export const listBuildsForProject: Handler<'ListBuildsForProject'> = (ctx, input) => {
  const ids = ctx.store.builds.buildIds(ctx, input.projectName);
  if (!ids.length && !ctx.store.builds.project(ctx, input.projectName)) throw projectNotFound(projectArn(ctx, input.projectName));
  return pageOfIds(ids, input.sortOrder, input.nextToken);
};
