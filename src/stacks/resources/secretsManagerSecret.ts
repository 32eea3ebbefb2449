// AWS::SecretsManager::Secret: a secret of the local secrets store (src/secrets/), which CodeBuild's
// SECRETS_MANAGER variables read. SecretString, or GenerateSecretString with Secrets Manager's options
// (PasswordLength, ExcludeCharacters, ExcludeNumbers/Punctuation/Uppercase/Lowercase, IncludeSpace,
// RequireEachIncludedType, SecretStringTemplate + GenerateStringKey). Ref and Fn::GetAtt Id are the ARN.
import { randomInt } from 'node:crypto';
import type { Store } from '../../store/index.js';
import { ProvisionError, ReplacementRequired, type ResourceProvisioner } from '../provisioners.js';

const handlerError = (message: string, code = 'InvalidRequest') => new ProvisionError(`Resource handler returned message: "${message}" (HandlerErrorCode: ${code})`);

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const flag = (v: unknown) => v === true || v === 'true';

/** A password as Secrets Manager's GetRandomPassword makes it (32 characters by default). */
export function generatePassword(options: Record<string, unknown>): string {
  const length = options.PasswordLength === undefined ? 32 : Number(options.PasswordLength);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw handlerError(`PasswordLength must be between 1 and 4096, got ${String(options.PasswordLength)}`);
  const excluded = new Set(String(options.ExcludeCharacters ?? ''));
  const classes = [
    flag(options.ExcludeLowercase) ? '' : LOWER,
    flag(options.ExcludeUppercase) ? '' : UPPER,
    flag(options.ExcludeNumbers) ? '' : DIGITS,
    flag(options.ExcludePunctuation) ? '' : PUNCTUATION,
    flag(options.IncludeSpace) ? ' ' : '',
  ]
    .map((c) => [...c].filter((ch) => !excluded.has(ch)).join(''))
    .filter((c) => c.length > 0);
  const all = classes.join('');
  if (!all) throw handlerError('GenerateSecretString excludes every character: no password can be generated');
  const requireEach = options.RequireEachIncludedType === undefined || flag(options.RequireEachIncludedType);
  if (requireEach && length < classes.length) throw handlerError(`PasswordLength ${length} is too short to include a character of each of the ${classes.length} included types`);
  const chars = Array.from({ length }, () => all[randomInt(all.length)]);
  if (requireEach) {
    // One position per class, chosen without repeats, holds a character of that class.
    const positions = [...Array(length).keys()];
    for (const c of classes) {
      const at = positions.splice(randomInt(positions.length), 1)[0];
      chars[at] = c[randomInt(c.length)];
    }
  }
  return chars.join('');
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
