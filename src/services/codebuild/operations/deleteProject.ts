// DeleteProject: removes the project (by name or ARN); its builds stay listed. A missing project is no error, as on AWS.
import { projectNameOf } from '../../../builds/projectDocument.js';
import type { Handler } from '../handler.js';

export const deleteProject: Handler<'DeleteProject'> = (ctx, input) => {
  ctx.store.builds.deleteProject(ctx, projectNameOf(input.name));
  return {};
};
