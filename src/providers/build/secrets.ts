// PARAMETER_STORE and SECRETS_MANAGER values for builds, from the local configuration's secrets
// section (nothing leaves the machine). A reference nobody configured fails the build clearly.
import type { LocalConfig } from '../../localConfig.js';

export class MissingSecretError extends Error {}

export function parameterValue(config: LocalConfig, name: string): string {
  const value = config.secrets.parameterStore[name];
  if (value === undefined)
    throw new MissingSecretError(`Parameter Store parameter '${name}' is not defined in the local configuration (secrets.parameterStore)`);
  return String(value);
}

/**
 * A Secrets Manager reference as CodeBuild takes it: secret-id[:json-key[:version-stage[:version-id]]],
 * where secret-id is a name or an ARN (whose own colons are kept). Versions are not simulated.
 */
export function secretValue(config: LocalConfig, reference: string): string {
  const parts = reference.split(':');
  const idParts = reference.startsWith('arn:') ? 7 : 1;
  const secretId = parts.slice(0, idParts).join(':');
  const jsonKey = parts[idParts] || undefined;
  const store = config.secrets.secretsManager;
  // An ARN also finds a secret configured by its name (with or without the random 6-character suffix).
  const arnName = idParts === 7 ? parts[6] : undefined;
  const candidates = [secretId, ...(arnName ? [arnName, arnName.replace(/-[A-Za-z0-9]{6}$/, '')] : [])];
  const found = candidates.find((c) => store[c] !== undefined);
  if (found === undefined)
    throw new MissingSecretError(`Secrets Manager secret '${secretId}' is not defined in the local configuration (secrets.secretsManager)`);
  const raw = String(store[found]);
  if (!jsonKey) return raw;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw new MissingSecretError(`Secrets Manager secret '${secretId}' is not JSON, so it has no key '${jsonKey}'`);
  }
  const value = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)[jsonKey] : undefined;
  if (value === undefined) throw new MissingSecretError(`Secrets Manager secret '${secretId}' has no JSON key '${jsonKey}'`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
