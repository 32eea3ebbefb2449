// ListBuilds: every build id of the account and region.
import type { Handler } from '../handler.js';
import { pageOfIds } from './buildPages.js';

export const listBuilds: Handler<'ListBuilds'> = (ctx, input) => pageOfIds(ctx.store.builds.buildIds(ctx), input.sortOrder, input.nextToken);
