// Action-level rules that need the action type: existence, cross-region support, artifact counts,
// configuration keys (required, unknown, masked secrets) and the compute-only fields.
import type { ActionTypeId, ArtifactDetails } from '@aws-sdk/client-codepipeline';
import { resolveActionType, type ResolvedActionType } from '../catalog/lookup.js';
import type { Ctx } from '../context.js';
import { actionError, actionsOf, type Action, type Declaration, type Located } from './walk.js';

/** What GetPipeline shows instead of a secret value; only an existing action may send it back. */
export const MASKED_SECRET = '****';

/** AWS names regions in this message as enum constants: us-east-1 -> US_EAST_1. */
const regionConstant = (region: string) => region.toUpperCase().replace(/-/g, '_');

const describeType = (id: ActionTypeId) =>
  `ActionType (Category: '${id.category}', Provider: '${id.provider}', Owner: '${id.owner}', Version: '${id.version}')`;

export function checkActions(ctx: Ctx, decl: Declaration): void {
  // Read only when a secret comes back masked (rare): the stored declaration costs a read and a parse.
  let known: Set<string> | undefined;
  const existing = (key: string) => (known ??= existingActions(ctx, decl.name)).has(key);
  for (const located of actionsOf(decl)) {
    const { action } = located;
    const id = action.actionTypeId;
    checkRegion(ctx, located);
    const type = resolveActionType(ctx, id);
    if (!type) throw actionError(`${describeType(id)} in action '${action.name}' is not available in region '${regionConstant(action.region ?? ctx.region)}'`);
    checkComputeFields(action);
    checkCount(action, 'input', action.inputArtifacts?.length ?? 0, type.inputArtifactDetails);
    checkCount(action, 'output', action.outputArtifacts?.length ?? 0, type.outputArtifactDetails);
    checkConfiguration(located, type, existing);
  }
}

/** Source, custom and third-party actions run in the pipeline's region only. */
function checkRegion(ctx: Ctx, { stage, action }: Located): void {
  if (!action.region || action.region === ctx.region) return;
  const id = action.actionTypeId;
  const kind = id.category === 'Source' ? 'source' : id.owner === 'Custom' ? 'custom' : id.owner === 'ThirdParty' ? 'third-party' : undefined;
  if (kind)
    throw actionError(`Action '${action.name}' in stage '${stage.name}' specifies region '${action.region}', but ${kind} actions cannot be cross-region actions`);
}

function checkComputeFields(action: Action): void {
  const compute = action.actionTypeId.category === 'Compute';
  if (compute && !action.commands?.length) throw actionError(`Action ${action.name} must have a non-empty commands field`);
  if (!compute && (action.commands || action.outputArtifacts?.some((o) => o.files)))
    throw actionError(`The following action cannot contain a commands field: ${action.name}. To use the commands field, use a compute action.`);
}

function checkCount(action: Action, kind: 'input' | 'output', n: number, limits: ArtifactDetails): void {
  if (n < limits.minimumCount!)
    throw actionError(`Action ${action.name} declares ${n} ${kind} artifacts which is less than the minimum count (${limits.minimumCount})`);
  if (n > limits.maximumCount!)
    throw actionError(`Action ${action.name} declares ${n} ${kind} artifacts which is greater than the maximum count (${limits.maximumCount})`);
}

function checkConfiguration({ stage, action }: Located, type: ResolvedActionType, existing: (key: string) => boolean): void {
  const config = action.configuration ?? {};
  const props = new Map(type.configurationProperties.map((p) => [p.name!, p]));
  for (const p of type.configurationProperties)
    if (p.required && !Object.hasOwn(config, p.name!))
      throw actionError(`Action configuration for action '${action.name}' is missing required configuration '${p.name}'`);
  for (const [key, value] of Object.entries(config)) {
    const prop = props.get(key);
    if (!prop) throw actionError(`Action configuration for action '${action.name}' contains unknown configuration '${key}'`);
    if (prop.secret && value === MASKED_SECRET && !existing(actionKey(stage.name, action.name)))
      throw actionError(
        `Action configuration for the new action "${action.name}" contains an invalid configuration for the secret property "${key}". "${MASKED_SECRET}" may be used in secret properties only when updating an existing action.`,
      );
  }
}

const actionKey = (stage: string, action: string) => `${stage}\u0000${action}`;

/** Stage/action pairs of the stored pipeline of that name (empty when creating). */
function existingActions(ctx: Ctx, name: string): Set<string> {
  const current = ctx.store.pipelines.get(ctx, name)?.declaration;
  const keys = new Set<string>();
  for (const stage of current?.stages ?? []) for (const action of stage.actions ?? []) keys.add(actionKey(stage.name!, action.name!));
  return keys;
}
