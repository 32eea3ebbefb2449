// Where the API finds stacks: the stack engine's documents (src/stacks/documents.ts) in the store, one
// per stack name in an account and region, a deleted stack kept (DELETE_COMPLETE) until the name is
// used again. A StackName is a name (live stacks only) or a stack id (deleted ones too), as on AWS.
import { parameterLookup } from '../../parameters/store.js';
import { STACK_KIND, type StackDocument, type StackTemplate } from '../../stacks/documents.js';
import { StackOperation } from '../../stacks/operation.js';
import type { Scope } from '../../store/scope.js';
import type { Ctx } from './context.js';
import { stackNotFound, validationError } from './errors.js';
import { pendingStatus, type PendingOperation } from './pendingOperation.js';

/** A stack document as the API keeps it: the engine's, plus the operation the API accepted and has not run yet. */
export type ApiStack = StackDocument & { apiOperation?: PendingOperation };

type Deps = Pick<Ctx, 'store' | 'clock' | 'log'>;

export const scopeOf = (ctx: Scope): Scope => ({ account: ctx.account, region: ctx.region });

const STACK_ARN = /^arn:aws[\w-]*:cloudformation:[\w-]+:\d{12}:stack\/([^/]+)\/.+$/;

/** The stack a StackName names, or undefined. */
export function findStack(ctx: Deps & Scope, nameOrId: string): ApiStack | undefined {
  const arn = STACK_ARN.exec(nameOrId);
  const doc = ctx.store.simulated.get<ApiStack>(scopeOf(ctx), STACK_KIND, arn ? arn[1] : nameOrId)?.document;
  if (!doc) return undefined;
  if (arn) return doc.stackId === nameOrId ? doc : undefined;
  return doc.status === 'DELETE_COMPLETE' ? undefined : doc;
}

/** The stack a StackName names; else ValidationError "Stack with id X does not exist". */
export function requireStack(ctx: Deps & Scope, nameOrId: string): ApiStack {
  const s = findStack(ctx, nameOrId);
  if (!s) throw stackNotFound(nameOrId);
  return s;
}

/** Every stack record of the account and region (deleted ones included), oldest first. */
export function allStacks(ctx: Deps & Scope): ApiStack[] {
  return ctx.store.simulated
    .list<ApiStack>(scopeOf(ctx), STACK_KIND)
    .map((r) => r.document)
    .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.stackName < b.stackName ? -1 : 1));
}

/** Saves a document the API changed itself (change sets, an accepted operation). */
export function saveStack(ctx: Deps & Scope, s: ApiStack) {
  const now = ctx.clock.now();
  s.updated = new Date(now).toISOString();
  ctx.store.tx(() => ctx.store.simulated.put(scopeOf(ctx), STACK_KIND, s.stackName, s, now));
}

/** The stack engine's operation on one stack, as the API drives it (no pipeline action behind it). */
export function stackOperation(ctx: Deps & Scope & Partial<Pick<Ctx, 'provisioners'>>, stackName: string, onFailure?: PendingOperation['onFailure']): StackOperation {
  // The same resource types and SSM parameter store as the pipeline's CloudFormation action; a clock per event.
  const options = {
    now: ctx.clock.now(),
    clock: () => ctx.clock.now(),
    provisioners: ctx.provisioners,
    parameterLookup: parameterLookup(ctx.store.parameters),
    simulateFailure: false,
    ...(onFailure && { onFailure }),
    note: (line: string) => ctx.log.debug(`cloudformation ${ctx.account}/${ctx.region}: ${line}`),
  };
  return new StackOperation(ctx.store, scopeOf(ctx), stackName, options);
}

/** An operation runs on the stack (REVIEW_IN_PROGRESS is a stack waiting for its first change set). */
export const inProgress = (s: StackDocument) => s.status.endsWith('_IN_PROGRESS') && s.status !== 'REVIEW_IN_PROGRESS';

/**
 * The status the API shows: an accepted operation not started yet shows as the status it begins with
 * (the stored status stays the one before it, so the engine and its recovery see an idle stack).
 */
export const shownStatus = (s: ApiStack): string => pendingStatus(s) ?? s.status;

/** OnFailure as CreateStack takes it, or DisableRollback (CreateStack, UpdateStack, ExecuteChangeSet): both is CloudFormation's ValidationError. */
export function onFailureOf(input: { OnFailure?: PendingOperation['onFailure']; DisableRollback?: boolean }): PendingOperation['onFailure'] {
  if (input.OnFailure !== undefined && input.DisableRollback !== undefined) throw validationError('Either DisableRollback or OnFailure can be specified, not both.');
  return input.DisableRollback ? 'DO_NOTHING' : input.OnFailure;
}

/** An operation runs or waits to run on the stack: another one is refused. */
export const busy = (s: ApiStack) => inProgress(s) || s.apiOperation !== undefined;

const STACK_NAME = '[a-zA-Z][-a-zA-Z0-9]*';
/** A new stack's name: the constraint CloudFormation states in its API reference (the model does not carry it). */
export function checkNewStackName(name: string) {
  const errors: string[] = [];
  if (!new RegExp(`^(?:${STACK_NAME})$`).test(name)) errors.push(`Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${STACK_NAME}`);
  if (name.length > 128) errors.push(`Value '${name}' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128`);
  if (errors.length) throw validationError(`${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

/** An update (or an executed change set) refused while the stack is busy or failed, in CloudFormation's words. */
export function refuseUpdate(s: ApiStack) {
  if (busy(s) || StackOperation.failed(s) || s.status === 'REVIEW_IN_PROGRESS')
    throw validationError(`Stack:${s.stackId} is in ${shownStatus(s)} state and can not be updated.`);
}

/**
 * What the engine can tell before any resource is touched (template errors, references, rules,
 * transforms, SSM parameters), refused as the request's ValidationError, as CloudFormation refuses
 * them at CreateStack / UpdateStack.
 */
export function validateEarly(ctx: Deps & Scope & Partial<Pick<Ctx, 'provisioners'>>, s: StackDocument, d: StackTemplate) {
  stackOperation(ctx, s.stackName).validate(s, d);
}
