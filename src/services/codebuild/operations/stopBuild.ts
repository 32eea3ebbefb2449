// StopBuild: stops a running build (a StartBuild one, or a pipeline's CodeBuild build, whose action
// then fails) and answers it once it is recorded STOPPED; a finished build is answered as it is.
import { buildEnded, buildView, type StoredBuild } from '../../../builds/buildRecord.js';
import { buildIdOf } from '../buildIds.js';
import { cbError } from '../errors.js';
import type { Handler } from '../handler.js';

/** How long StopBuild waits for the build's shell to end before answering. */
const STOP_WAIT_MS = 10_000;

export const stopBuild: Handler<'StopBuild'> = async (ctx, input) => {
  const id = buildIdOf(input.id);
  const build = ctx.store.builds.build<StoredBuild>(ctx, id);
  if (!build) throw cbError('ResourceNotFoundException', `Build ${input.id} does not exist`);
  if (!build.buildComplete) {
    const ended = buildEnded(id, STOP_WAIT_MS);
    if (ctx.providers.builds.stop(id)) await ended;
  }
  return { build: buildView(ctx.store.builds.build<StoredBuild>(ctx, id)!, ctx.baseUrl, ctx.signUrl) };
};
