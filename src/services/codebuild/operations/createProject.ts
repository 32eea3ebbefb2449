// CreateProject: a new build project in the caller's account and region.
import type { CreateProjectInput } from '@aws-sdk/client-codebuild';
import { newProject, projectView } from '../../../builds/projectDocument.js';
import { cbError } from '../errors.js';
import type { Handler } from '../handler.js';
import { asApiInput } from '../projectInput.js';

export const createProject: Handler<'CreateProject'> = (ctx, input) => {
  const project = asApiInput(() => newProject(ctx, input as CreateProjectInput, ctx.clock.now()));
  ctx.store.tx(() => {
    if (ctx.store.builds.project(ctx, project.name)) throw cbError('ResourceAlreadyExistsException', `Project already exists: ${project.name}`);
    ctx.store.builds.putProject(ctx, project.name, project, project.created, project.lastModified);
  });
  return { project: projectView(project) };
};
