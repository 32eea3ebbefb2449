// Rules for the definition of a custom action type that the service model cannot state.
import type { ActionConfigurationProperty, ActionType, ArtifactDetails } from '@aws-sdk/client-codepipeline';
import type { ActionTypeKey } from '../../../store/actionTypes.js';
import { validationError } from '../../../protocol/errors.js';
import { cpError } from '../errors.js';

/** AWS's quota of custom action types per account and region. */
export const MAX_CUSTOM_ACTION_TYPES = 50;

const describe = (id: ActionTypeKey) =>
  `ActionType (Category: '${id.category}', Owner: '${id.owner}', Provider: '${id.provider}', Version: '${id.version}')`;

export const actionTypeExists = (id: ActionTypeKey) => cpError('ActionTypeAlreadyExistsException', `${describe(id)} already exists`);

export const deletedVersionReused = (id: ActionTypeKey) =>
  validationError(
    `${describe(id)} was deleted; create it with a version string that has never been used, or with a definition identical to the deleted one to restore it`,
  );

export const tooManyCustomActionTypes = () =>
  cpError('LimitExceededException', `The number of custom action types has reached the limit of ${MAX_CUSTOM_ACTION_TYPES}`);

/** Checks the property list: unique names, at most one queryable property, which must be required and not secret. */
export function checkConfigurationProperties(properties: ActionConfigurationProperty[]) {
  const names = new Set<string>();
  for (const p of properties) {
    if (names.has(p.name!)) throw validationError(`Configuration property '${p.name}' is declared more than once`);
    names.add(p.name!);
  }
  const queryable = properties.filter((p) => p.queryable);
  if (queryable.length > 1) throw validationError('An action type can have at most one queryable configuration property');
  const q = queryable[0];
  if (q && (!q.required || q.secret))
    throw validationError(`Queryable configuration property '${q.name}' must be required and must not be secret`);
}

export function checkArtifactRange(what: 'inputArtifactDetails' | 'outputArtifactDetails', d: ArtifactDetails) {
  if (d.minimumCount! > d.maximumCount!)
    throw validationError(`${what}: minimumCount ${d.minimumCount} is greater than maximumCount ${d.maximumCount}`);
}

/** The property as AWS shows it back: queryable always present, optional fields only when given. */
export function normalizeProperty(p: ActionConfigurationProperty): ActionConfigurationProperty {
  return {
    name: p.name,
    required: p.required,
    key: p.key,
    secret: p.secret,
    queryable: p.queryable ?? false,
    ...(p.description !== undefined && { description: p.description }),
    ...(p.type !== undefined && { type: p.type }),
  };
}

/** Whether two definitions are the same, so that a deleted version may be restored. */
export function sameDefinition(a: ActionType, b: ActionType): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  return v;
}
