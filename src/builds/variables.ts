// PARAMETER_STORE and SECRETS_MANAGER references of a build, resolved on this machine: from the SSM
// parameter store (src/parameters/) and the secrets store (src/secrets/), else from the local
// configuration's secrets section (as before those stores existed). A reference found nowhere fails
// the build with a message naming it.
import type { LocalConfig } from '../localConfig.js';
import { MissingSecretError, parameterValue, secretValue } from '../providers/build/secrets.js';
import { SecretLookupError } from '../secrets/store.js';
import type { Store } from '../store/index.js';
import type { Scope } from '../store/scope.js';

export type ReferenceType = 'PARAMETER_STORE' | 'SECRETS_MANAGER';

export function referenceResolver(store: Store, localConfig: LocalConfig, scope: Scope): (type: ReferenceType, reference: string) => string {
  return (type, reference) => {
    if (type === 'PARAMETER_STORE') {
      const found = store.parameters.get(scope, reference);
      if (found) return found.value;
      if (localConfig.secrets.parameterStore[reference] !== undefined) return parameterValue(localConfig, reference);
      throw new MissingSecretError(
        `Parameter Store parameter '${reference}' does not exist (create it with PutParameter, an AWS::SSM::Parameter, or the local configuration's secrets.parameterStore)`,
      );
    }
    const id = reference.startsWith('arn:') ? reference.split(':').slice(0, 7).join(':') : reference.split(':')[0];
    if (store.secrets.find(scope, id)) {
      try {
        return store.secrets.resolve(scope, reference);
      } catch (e) {
        if (e instanceof SecretLookupError) throw new MissingSecretError(e.message);
        throw e;
      }
    }
    return secretValue(localConfig, reference);
  };
}
