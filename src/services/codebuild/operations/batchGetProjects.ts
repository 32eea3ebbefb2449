// BatchGetProjects: up to 100 projects by name or ARN; the others come back in projectsNotFound.
import type { Project } from '@aws-sdk/client-codebuild';
import { projectNameOf, projectView, type StoredProject } from '../../../builds/projectDocument.js';
import type { Handler } from '../handler.js';

export const batchGetProjects: Handler<'BatchGetProjects'> = (ctx, input) => {
  const projects: Project[] = [];
  const notFound: string[] = [];
  for (const id of new Set(input.names)) {
    const stored = ctx.store.builds.project<StoredProject>(ctx, projectNameOf(id));
    if (stored) projects.push(projectView(stored));
    else notFound.push(id);
  }
  return { projects, projectsNotFound: notFound };
};
