// StartBuild: runs a build of a stored project locally (in the background) and answers it IN_PROGRESS.
import type { StartBuildInput } from '@aws-sdk/client-codebuild';
import { buildView } from '../../../builds/buildRecord.js';
import { projectArn, type StoredProject } from '../../../builds/projectDocument.js';
import { invalidInput, projectNotFound } from '../errors.js';
import type { Handler } from '../handler.js';

const SIMULATED_SOURCES = ['S3', 'CODECOMMIT', 'NO_SOURCE', 'CODEPIPELINE'];

export const startBuild: Handler<'StartBuild'> = (ctx, input) => {
  const project = ctx.store.builds.project<StoredProject>(ctx, input.projectName);
  if (!project) throw projectNotFound(projectArn(ctx, input.projectName));
  const type = input.sourceTypeOverride ?? project.source?.type;
  if (input.sourceTypeOverride && input.sourceTypeOverride !== 'NO_SOURCE' && input.sourceTypeOverride !== 'CODEPIPELINE' && !(input.sourceLocationOverride ?? project.source?.location))
    throw invalidInput(`Invalid input: source location must be specified for source type ${input.sourceTypeOverride}`);
  if (type === 'NO_SOURCE' && !(input.buildspecOverride ?? project.source?.buildspec)) throw invalidInput('Invalid input: buildspec must be specified for NO_SOURCE source type');
  if (!SIMULATED_SOURCES.includes(type ?? '')) throw invalidInput(`codepipeline-local runs StartBuild builds from S3, CODECOMMIT or NO_SOURCE sources; the source type ${type} is not simulated`);
  const build = ctx.providers.builds.start({ scope: { account: ctx.account, region: ctx.region }, project, input: input as StartBuildInput, initiator: 'root' });
  return { build: buildView(build, ctx.baseUrl, ctx.signUrl) };
};
