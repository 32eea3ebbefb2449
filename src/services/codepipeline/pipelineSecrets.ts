// Secret action configuration: the store keeps the real values (the engine and job workers need
// them), every response that returns a declaration shows them as `****`, and an UpdatePipeline that
// sends `****` back for an existing action keeps the stored value.
import type { ActionTypeId, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { resolveActionType } from './catalog/lookup.js';
import { MASKED_SECRET } from './pipelineStructure/actions.js';
import type { Ctx } from './context.js';

type SecretKeys = (id: ActionTypeId) => ReadonlySet<string>;

/**
 * Names of the secret configuration properties of each action type, looked up once per call. An
 * account's own type that has since been deleted still masks its secrets (old pipeline versions).
 */
function secretKeysOf(ctx: Ctx): SecretKeys {
  const cache = new Map<string, ReadonlySet<string>>();
  return (id) => {
    const key = `${id.category}\u0000${id.owner}\u0000${id.provider}\u0000${id.version}`;
    let keys = cache.get(key);
    if (!keys) {
      const props = resolveActionType(ctx, id)?.configurationProperties ?? ctx.store.actionTypes.get(ctx, id)?.stored.type.actionConfigurationProperties ?? [];
      keys = new Set(props.filter((p) => p.secret).map((p) => p.name!));
      cache.set(key, keys);
    }
    return keys;
  };
}

/** Rewrites the configuration of every action that has a secret property set; others are shared as they are. */
function mapSecrets(
  ctx: Ctx,
  decl: PipelineDeclaration,
  replace: (stage: string, action: string, key: string, value: string) => string,
): PipelineDeclaration {
  const secretKeys = secretKeysOf(ctx);
  let changed = false;
  const stages = (decl.stages ?? []).map((stage) => ({
    ...stage,
    actions: (stage.actions ?? []).map((action) => {
      const config = action.configuration;
      if (!config || !action.actionTypeId) return action;
      const secrets = secretKeys(action.actionTypeId);
      if (!Object.keys(config).some((k) => secrets.has(k))) return action;
      changed = true;
      const next: Record<string, string> = {};
      for (const [k, v] of Object.entries(config)) next[k] = secrets.has(k) ? replace(stage.name!, action.name!, k, v) : v;
      return { ...action, configuration: next };
    }),
  }));
  return changed ? { ...decl, stages } : decl;
}

/**
 * One action's configuration with its secret values replaced by `****`, for other responses that
 * show configuration (ListActionExecutions' input.configuration and resolvedConfiguration: AWS
 * hides secrets from every call except GetJobDetails, GetThirdPartyJobDetails and the two polls).
 */
export function maskConfiguration(ctx: Ctx, actionTypeId: ActionTypeId, configuration: Record<string, string>): Record<string, string> {
  const secrets = secretKeysOf(ctx)(actionTypeId);
  if (!Object.keys(configuration).some((k) => secrets.has(k))) return configuration;
  return Object.fromEntries(Object.entries(configuration).map(([k, v]) => [k, secrets.has(k) ? MASKED_SECRET : v]));
}

/** The declaration as a response shows it: secret configuration values replaced by `****`. */
export function maskSecrets(ctx: Ctx, decl: PipelineDeclaration): PipelineDeclaration {
  return mapSecrets(ctx, decl, () => MASKED_SECRET);
}

/**
 * The declaration to store for an update: a secret sent back as `****` for an action that exists
 * in the stored declaration (same stage and action name) takes the stored value again.
 */
export function restoreSecrets(ctx: Ctx, decl: PipelineDeclaration, stored: PipelineDeclaration): PipelineDeclaration {
  const storedConfig = new Map<string, Record<string, string>>();
  for (const stage of stored.stages ?? [])
    for (const action of stage.actions ?? []) storedConfig.set(`${stage.name}\u0000${action.name}`, action.configuration ?? {});
  return mapSecrets(ctx, decl, (stage, action, key, value) => {
    if (value !== MASKED_SECRET) return value;
    const config = storedConfig.get(`${stage}\u0000${action}`);
    return config && Object.hasOwn(config, key) ? config[key] : value;
  });
}
