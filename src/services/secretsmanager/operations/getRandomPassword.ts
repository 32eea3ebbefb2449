// GetRandomPassword: a password with the options asked for (src/secrets/password.ts).
import { generatePassword, PasswordOptionsError } from '../../../secrets/password.js';
import type { Handler } from '../handler.js';
import { smError } from '../errors.js';

export const getRandomPassword: Handler<'GetRandomPassword'> = (_ctx, input) => {
  try {
    return { RandomPassword: generatePassword(input) };
  } catch (e) {
    if (e instanceof PasswordOptionsError) throw smError('InvalidParameterException', e.message);
    throw e;
  }
};
