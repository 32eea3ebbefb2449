// Random passwords as Secrets Manager's GetRandomPassword makes them (32 characters by default, every
// included character type present unless RequireEachIncludedType is false). Used by GetRandomPassword
// and AWS::SecretsManager::Secret's GenerateSecretString.
import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Options that allow no password: the message says why. */
export class PasswordOptionsError extends Error {}

export interface PasswordOptions {
  PasswordLength?: unknown;
  ExcludeCharacters?: unknown;
  ExcludeNumbers?: unknown;
  ExcludePunctuation?: unknown;
  ExcludeUppercase?: unknown;
  ExcludeLowercase?: unknown;
  IncludeSpace?: unknown;
  RequireEachIncludedType?: unknown;
}

/** Template values arrive as strings ("true"), API values as booleans. */
const flag = (v: unknown) => v === true || v === 'true';

export function generatePassword(options: PasswordOptions): string {
  const length = options.PasswordLength === undefined ? 32 : Number(options.PasswordLength);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new PasswordOptionsError(`PasswordLength must be between 1 and 4096, got ${String(options.PasswordLength)}`);
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
  if (!all) throw new PasswordOptionsError('The password options exclude every character: no password can be generated');
  const requireEach = options.RequireEachIncludedType === undefined || flag(options.RequireEachIncludedType);
  if (requireEach && length < classes.length) throw new PasswordOptionsError(`PasswordLength ${length} is too short to include a character of each of the ${classes.length} included types`);
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
