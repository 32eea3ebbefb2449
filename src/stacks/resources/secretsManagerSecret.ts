// AWS::SecretsManager::Secret: a secret of the local secrets store (src/secrets/), which CodeBuild's
// SECRETS_MANAGER variables read. SecretString, or GenerateSecretString with Secrets Manager's options
// (PasswordLength, ExcludeCharacters, ExcludeNumbers/Punctuation/Uppercase/Lowercase, IncludeSpace,
// RequireEachIncludedType, SecretStringTemplate + GenerateStringKey). Ref and Fn::GetAtt Id are the ARN.
import { generatePassword as makePassword, PasswordOptionsError } from '../../secrets/password.js';
import type { Store } from '../../store/index.js';
import { ProvisionError, ReplacementRequired, type ResourceProvisioner } from '../provisioners.js';

const handlerError = (message: string, code = 'InvalidRequest') => new ProvisionError(`Resource handler returned message: "${message}" (HandlerErrorCode: ${code})`);

/** A password for GenerateSecretString (src/secrets/password.ts), its option errors as the resource's failure. */
export function generatePassword(options: Record<string, unknown>): string {
  try {
    return makePassword(options);
  } catch (e) {
    if (e instanceof PasswordOptionsError) throw handlerError(e.message);
    throw e;
  }
}

/** The secret's value from SecretString or GenerateSecretString (neither: an empty secret). */
function secretValue(props: Record<string, unknown>): string {
  const given = props.SecretString;
  const generate = props.GenerateSecretString;
  if (given !== undefined && generate !== undefined) throw handlerError("You can't specify both SecretString and GenerateSecretString");
  if (given !== undefined) return typeof given === 'string' ? given : JSON.stringify(given);
  if (generate === undefined) return '';
  if (typeof generate !== 'object' || generate === null) throw handlerError('GenerateSecretString must be an object');
  const options = generate as Record<string, unknown>;
  const password = generatePassword(options);
  const template = options.SecretStringTemplate;
  const key = options.GenerateStringKey;
  if ((template === undefined) !== (key === undefined)) throw handlerError('SecretStringTemplate and GenerateStringKey must be specified together');
  if (template === undefined) return password;
  let doc: unknown;
  try {
    doc = JSON.parse(String(template));
  } catch {
    throw handlerError('SecretStringTemplate is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw handlerError('SecretStringTemplate must be a JSON object');
  return JSON.stringify({ ...(doc as object), [String(key)]: password });
}

const tagsOf = (v: unknown) => (Array.isArray(v) ? v.map((t) => ({ Key: String(t?.Key), Value: String(t?.Value ?? '') })) : undefined);

export function secretsManagerSecretProvisioner(store: Store): ResourceProvisioner {
  return {
    async create(ctx, props) {
      const name = props.Name === undefined ? ctx.generatedName(256) : String(props.Name);
      if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw handlerError(`Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!`);
      const value = secretValue(props);
      const secret = store.tx(() => {
        if (store.secrets.find(ctx.scope, name)) throw handlerError(`The operation failed because the secret ${name} already exists.`, 'AlreadyExists');
        return store.secrets.create(ctx.scope, name, value, ctx.now, {
          ...(props.Description !== undefined && { description: String(props.Description) }),
          ...(props.KmsKeyId !== undefined && { kmsKeyId: String(props.KmsKeyId) }),
          ...(tagsOf(props.Tags) && { tags: tagsOf(props.Tags) }),
        });
      });
      return { physicalId: secret.arn, attributes: { Id: secret.arn } };
    },
    async update(ctx, physicalId, props, previous) {
      if (String(props.Name ?? '') !== String(previous.Name ?? '')) throw new ReplacementRequired('Name changed');
      if (!store.secrets.find(ctx.scope, physicalId)) throw handlerError(`Secrets Manager can't find the specified secret.`, 'NotFound');
      const valueChanged = JSON.stringify(props.SecretString) !== JSON.stringify(previous.SecretString) || JSON.stringify(props.GenerateSecretString) !== JSON.stringify(previous.GenerateSecretString);
      store.tx(() => {
        if (valueChanged) store.secrets.putValue(ctx.scope, physicalId, secretValue(props), ctx.now);
        store.secrets.update(ctx.scope, physicalId, { description: props.Description === undefined ? undefined : String(props.Description), kmsKeyId: props.KmsKeyId === undefined ? undefined : String(props.KmsKeyId), tags: tagsOf(props.Tags) }, ctx.now);
      });
      return { physicalId, attributes: { Id: physicalId } };
    },
    async delete(ctx, physicalId) {
      store.secrets.delete(ctx.scope, physicalId);
    },
  };
}
