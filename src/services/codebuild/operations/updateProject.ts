// UpdateProject: the members given replace the stored ones.
import type { UpdateProjectInput } from '@aws-sdk/client-codebuild';
import { projectArn, projectView, updatedProject, type StoredProject } from '../../../builds/projectDocument.js';
import { projectNotFound } from '../errors.js';
import type { Handler } from '../handler.js';
import { asApiInput } from '../projectInput.js';

export const updateProject: Handler<'UpdateProject'> = (ctx, input) =>
  ctx.store.tx(() => {
    const stored = ctx.store.builds.project<StoredProject>(ctx, input.name);
    if (!stored) throw projectNotFound(projectArn(ctx, input.name));
    const project = asApiInput(() => updatedProject(ctx, stored, input as UpdateProjectInput, ctx.clock.now()));
    ctx.store.builds.putProject(ctx, project.name, project, project.created, project.lastModified);
    return { project: projectView(project) };
  });
