// ListActionTypes: AWS's catalog, then the account's registered ThirdParty and Custom types of the
// region asked for, filtered by owner and paginated with an opaque nextToken.
import type { ActionType } from '@aws-sdk/client-codepipeline';
import { AWS_ACTION_TYPES } from '../catalog/awsActionTypes.js';
import { pageByOffset } from '../../../util/pagination.js';
import type { Handler } from '../handler.js';

/** Action types per page (ListActionTypes has no maxResults). */
export const ACTION_TYPES_PAGE_SIZE = 50;

export const listActionTypes: Handler<'ListActionTypes'> = (ctx, input) => {
  const scope = { account: ctx.account, region: input.regionFilter ?? ctx.region };
  const own = (owner: string) => ctx.store.actionTypes.list(scope, owner).map((r) => r.stored.type);
  const all: ActionType[] = [...AWS_ACTION_TYPES, ...own('ThirdParty'), ...own('Custom')];
  const owner = input.actionOwnerFilter;
  const matching = owner ? all.filter((t) => t.id!.owner === owner) : all;
  const { page, nextToken } = pageByOffset(matching, ACTION_TYPES_PAGE_SIZE, input.nextToken);
  return { actionTypes: page, ...(nextToken && { nextToken }) };
};
