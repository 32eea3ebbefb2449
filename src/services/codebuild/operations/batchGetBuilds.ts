// BatchGetBuilds: up to 100 builds by id or ARN, as they stand (phases, status, variables, logs);
// the others come back in buildsNotFound.
import type { Build } from '@aws-sdk/client-codebuild';
import { buildView, type StoredBuild } from '../../../builds/buildRecord.js';
import { buildIdOf } from '../buildIds.js';
import type { Handler } from '../handler.js';

export const batchGetBuilds: Handler<'BatchGetBuilds'> = (ctx, input) => {
  const builds: Build[] = [];
  const notFound: string[] = [];
  for (const id of new Set(input.ids)) {
    const build = ctx.store.builds.build<StoredBuild>(ctx, buildIdOf(id));
    if (build) builds.push(buildView(build, ctx.baseUrl, ctx.signUrl));
    else notFound.push(id);
  }
  return { builds, buildsNotFound: notFound };
};
