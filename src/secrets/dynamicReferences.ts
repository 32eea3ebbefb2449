// CloudFormation's dynamic references, resolved from the local stores: {{resolve:ssm:name[:version]}},
// {{resolve:ssm-secure:name[:version]}} and {{resolve:secretsmanager:secret-id[:SecretString[:json-key
// [:version-stage[:version-id]]]]}} (the secret id a name or an ARN). For the stack engine: a template
// value holding references becomes the value with each replaced; a reference that resolves to nothing
// fails with CloudFormation's wording.
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';
import { SecretLookupError } from './store.js';

export class DynamicReferenceError extends Error {}

const REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]*)\}\}/g;

/** Whether `text` holds a dynamic reference. */
export const hasDynamicReference = (text: string) => /\{\{resolve:(ssm|ssm-secure|secretsmanager):/.test(text);

function ssmValue(store: Store, scope: Scope, body: string, secure: boolean): string {
  // name[:version]; a name given as an ARN keeps its own colons.
  const m = /^(.*?)(?::(\d+))?$/.exec(body)!;
  const ref = m[1];
  const name = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(ref)?.[1] ?? ref;
  const candidates = ref.startsWith('arn:') && name.indexOf('/', 1) < 0 ? [name.slice(1), name] : [name];
  for (const n of candidates) {
    const p = store.parameters.get(scope, n, m[2] === undefined ? undefined : Number(m[2]));
    if (!p) continue;
    if (secure !== (p.type === 'SecureString'))
      throw new DynamicReferenceError(secure ? `Parameter ${n} is not a SecureString: use {{resolve:ssm:...}}` : `Parameter ${n} is a SecureString: use {{resolve:ssm-secure:...}}`);
    return p.value;
  }
  throw new DynamicReferenceError(`Unable to fetch parameters [${name}] from parameter store for this account.`);
}

function secretValue(store: Store, scope: Scope, body: string): string {
  const idParts = body.startsWith('arn:') ? 7 : 1;
  const parts = body.split(':');
  const id = parts.slice(0, idParts).join(':');
  const [field, jsonKey, stage, versionId] = parts.slice(idParts);
  if (field && field !== 'SecretString') throw new DynamicReferenceError(`Invalid dynamic reference: ${field} is not SecretString`);
  try {
    return store.secrets.resolve(scope, [id, jsonKey ?? '', stage ?? '', versionId ?? ''].join(':').replace(/:+$/, ''));
  } catch (e) {
    if (e instanceof SecretLookupError) throw new DynamicReferenceError(e.message);
    throw e;
  }
}

/** `text` with every dynamic reference replaced by its value. */
export function resolveDynamicReferences(store: Store, scope: Scope, text: string): string {
  return text.replace(REFERENCE, (_m, service: string, body: string) =>
    service === 'secretsmanager' ? secretValue(store, scope, body) : ssmValue(store, scope, body, service === 'ssm-secure'),
  );
}
