// The STS operations the emulator serves; the model's others answer NotImplemented.
import type { Handlers } from '../model/types.js';
import { assumeRole } from './assumeRole.js';
import { getCallerIdentity } from './getCallerIdentity.js';
import { getSessionToken } from './getSessionToken.js';

export const handlers: Handlers = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
  GetSessionToken: getSessionToken,
};
